package dev.pmsconversations.config;

import dev.pmsconversations.yaml.YamlPlace;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * One PMS account to sync. {@code baseUrl} overrides the source file's (e.g. to point at the simulator);
 * {@code schedule} is a Quartz trigger: {@code every} (e.g. 60s, 5m) or {@code cron}. {@code place} is the account's
 * item in the configuration file (null when built in code), so checks against the source files can name its line.
 */
public record AccountConfig(String id, String source, String baseUrl, ZoneId timeZone, Map<String, Secret> credentials,
                            String every, String cron, List<String> sinks, YamlPlace place) {

    public AccountConfig(String id, String source, String baseUrl, ZoneId timeZone, Map<String, Secret> credentials,
                         String every, String cron, List<String> sinks) {
        this(id, source, baseUrl, timeZone, credentials, every, cron, sinks, null);
    }

    /** Quartz endpoint options for this account's poll trigger. */
    public String quartzOptions() {
        if (cron != null) {
            return "cron=" + cron.trim().replace(' ', '+') + "&stateful=true";
        }
        return "trigger.repeatInterval=" + Durations.millis(every) + "&trigger.repeatCount=-1&stateful=true";
    }
}

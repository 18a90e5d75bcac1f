package dev.pmsconversations.cli;

/** How the console is written: text, or one JSON object per line (the log configuration's choice, read the same way). */
final class ConsoleFormat {
    private ConsoleFormat() {
    }

    /** {@code -Dpms.log.format=json} or {@code PMS_LOG_FORMAT=json} (log4j2.properties picks its appender by the same). */
    static boolean json() {
        String env = System.getenv("PMS_LOG_FORMAT");
        return "json".equals(System.getProperty("pms.log.format", env == null ? "console" : env));
    }
}

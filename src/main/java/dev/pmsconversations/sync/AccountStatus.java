package dev.pmsconversations.sync;

/** Running totals of one account since start-up, shown by the demo summary and (later) health/metrics. */
public record AccountStatus(String accountId, String source, int polls, int failedPolls, int conversations,
                            int messages, int newMessages, int errors, long requests, String lastPollAt,
                            String lastError) {

    static AccountStatus initial(String accountId, String source) {
        return new AccountStatus(accountId, source, 0, 0, 0, 0, 0, 0, 0, null, null);
    }

    AccountStatus plus(PollRun run, boolean failed, String error) {
        return new AccountStatus(accountId, source, polls + 1, failedPolls + (failed ? 1 : 0),
                conversations + run.delivered.get(), messages + run.messages.get(), newMessages + run.newMessages.get(),
                errors + run.errors.get() + (failed ? 1 : 0), requests + run.requests(), java.time.Instant.now().toString(),
                failed ? error : lastError);
    }
}

package dev.pmsconversations.sync;

/**
 * Running totals of one account since start-up, shown by the demo summary, the health checks and the metrics.
 *
 * @param consecutiveFailures failed polls since the last good one (0 after a good poll)
 * @param authFailed          the last poll failed because the PMS refused the account's credentials
 */
public record AccountStatus(String accountId, String source, int polls, int failedPolls, int conversations,
                            int messages, int newMessages, int errors, long requests, String lastPollAt,
                            String lastError, int consecutiveFailures, String lastSuccessAt, boolean authFailed) {

    public static AccountStatus initial(String accountId, String source) {
        return new AccountStatus(accountId, source, 0, 0, 0, 0, 0, 0, 0, null, null, 0, null, false);
    }

    AccountStatus plus(PollRun run, boolean failed, String error, boolean auth) {
        String now = java.time.Instant.now().toString();
        return new AccountStatus(accountId, source, polls + 1, failedPolls + (failed ? 1 : 0),
                conversations + run.delivered.get(), messages + run.messages.get(), newMessages + run.newMessages.get(),
                errors + run.errors.get() + (failed ? 1 : 0), requests + run.requests(), now,
                failed ? error : lastError, failed ? consecutiveFailures + 1 : 0, failed ? lastSuccessAt : now, failed && auth);
    }

    /** A poll that failed before it could start reading (e.g. no client for the account). */
    AccountStatus failedEarly(String error, boolean auth) {
        return new AccountStatus(accountId, source, polls + 1, failedPolls + 1, conversations, messages, newMessages, errors + 1,
                requests, java.time.Instant.now().toString(), error, consecutiveFailures + 1, lastSuccessAt, auth);
    }

    /** Failed polls in a row after which an account counts as DOWN. */
    public static final int FAILURES_DOWN = 3;

    /** Why the account is DOWN (credentials refused, or {@link #FAILURES_DOWN} failed polls in a row); null while it is UP. */
    public String downReason() {
        if (authFailed) {
            return "the PMS refuses the account's credentials: " + lastError;
        }
        return consecutiveFailures >= FAILURES_DOWN ? consecutiveFailures + " polls failed in a row: " + lastError : null;
    }
}

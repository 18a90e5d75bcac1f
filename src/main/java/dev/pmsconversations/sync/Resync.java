package dev.pmsconversations.sync;

import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.store.StateStore;
import java.time.Instant;

/**
 * A full re-read of an account, done by its next poll on whichever node polls it: every conversation is read again and
 * compared with what was delivered, so only real differences (messages missed while a sink or the PMS was down, edits,
 * a changed mapping) become events; nothing is delivered twice. Used by the CLI's {@code resync} and by
 * {@code POST /v2/accounts/{id}/resync}; both only write the store, so a running node or cluster needs no stop.
 */
public final class Resync {
    private Resync() {
    }

    /** What was asked: how many known conversations are read again, and from where the listing starts. */
    public record Requested(String accountId, int conversations, Instant since, String note) {
        public String describe() {
            return conversations + " known conversations will be read again at the next poll"
                    + (since == null ? ", listing from scratch" : ", activity since " + since) + "; only differences are delivered"
                    + (note == null ? "" : " (" + note + ")");
        }
    }

    /**
     * Marks the account for a re-read: from {@code since} where the source lists by activity (null, or a source that
     * cannot narrow its listing: everything its listing reaches).
     */
    public static Requested request(StateStore store, SourceDefinition source, String accountId, Instant since) {
        String cursor = null;
        String note = null;
        if (since != null) {
            String strategy = source.api().incremental().strategy();
            cursor = switch (strategy) {
                case "sortedDesc", "updatedSince" -> since.toString();
                case "activity" -> since + "|" + since; // older than the activity call reaches: the window is listed instead
                default -> null;
            };
            if (cursor == null) {
                note = source.name() + " lists " + strategy + "-wise; 'since' does not narrow it, everything is read";
            }
        }
        int n = store.resync(accountId, cursor);
        return new Requested(accountId, n, cursor == null ? null : since, note);
    }
}

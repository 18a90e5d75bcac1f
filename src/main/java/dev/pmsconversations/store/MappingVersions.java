package dev.pmsconversations.store;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * Which version (fingerprint) of each source file the stored conversations were mapped with, so that a changed file
 * (a new release, a dev-mode edit) has them read and mapped again, once, by whichever node sees the change first.
 */
public final class MappingVersions {
    private final Jdbc jdbc;

    public MappingVersions(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records {@code fingerprint} as the source's version. True only when another version was recorded before and this
     * call replaced it (the caller then re-reads the source's conversations); false when it was already this version, or
     * is the first one recorded (nothing was mapped by a known other version).
     */
    public boolean advance(String source, String fingerprint) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update mapping_version set fingerprint = ?, updated_at = ? where source = ? and fingerprint <> ?",
                fingerprint, now, source, fingerprint) == 1) {
            return true;
        }
        // the first version recorded (a concurrent node's insert of the same wins as well: a duplicate is no change)
        jdbc.insertIfAbsent("insert into mapping_version (source, fingerprint, updated_at) values (?,?,?)", source, fingerprint, now);
        return false;
    }
}

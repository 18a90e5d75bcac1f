package dev.pmsconversations.mapping;

import java.time.Instant;

/**
 * A time a rule produced: the instant, and its text in the model's form (what {@link #toString()} gives). The
 * engine sorts messages on the instant, so the text it has just written is never parsed back.
 */
record MappedTime(Instant at, String text) {
    static MappedTime of(Instant at) {
        return new MappedTime(at, TimeFormat.format(at));
    }

    @Override
    public String toString() {
        return text;
    }
}

package dev.pmsconversations.config;

/** A credential value. Its {@code toString} never shows it, so it cannot leak through logs or messages. */
public final class Secret {
    private final String value;
    private final String reference;

    public Secret(String value, String reference) {
        this.value = value;
        this.reference = reference;
    }

    /** The secret itself: only for building the request that needs it. */
    public String reveal() {
        return value;
    }

    /** Where it came from, e.g. {@code env:HOSTAWAY_SECRET}; safe to print. */
    public String reference() {
        return reference;
    }

    @Override
    public String toString() {
        return "****(" + reference + ")";
    }
}

package dev.pmsconversations.config;

/** A credential value. Its {@code toString} never shows it, so it cannot leak through logs or messages. */
public final class Secret {
    private final String value;
    private final String reference;
    private final String unavailable;

    public Secret(String value, String reference) {
        this(value, reference, null);
    }

    private Secret(String value, String reference, String unavailable) {
        this.value = value;
        this.reference = reference;
        this.unavailable = unavailable;
    }

    /**
     * A credential whose environment variable or file is missing, loaded anyway by an operations command that may
     * not need it: {@link #reveal()} fails with {@code problem} (which names the variable or file, never a value).
     */
    public static Secret unavailable(String reference, String problem) {
        return new Secret(null, reference, problem);
    }

    /** False for a credential loaded without its value ({@link #unavailable}). */
    public boolean available() {
        return unavailable == null;
    }

    /** The secret itself: only for building the request that needs it. */
    public String reveal() {
        if (unavailable != null) {
            throw new IllegalStateException("credential " + reference + " is not available: " + unavailable);
        }
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

package dev.pmsconversations.api;

/** The {@code limit} query parameter of the list operations: absent → the default, else 1 to the maximum (422 otherwise). */
final class PageLimit {
    private PageLimit() {
    }

    static int parse(String raw, int fallback, int max) {
        if (raw == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.invalid("limit", "a whole number from 1 to " + max);
    }
}

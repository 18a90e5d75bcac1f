package dev.pmsconversations.mapping;

/**
 * What a rule with a {@code values} table gives for a native value the table does not list: the rule's {@code else}
 * ({@code fromElse}; null for {@code else: null}), or no fallback (the field's own applies), and the raw value, so
 * the field can report it (or, when strict, fail with {@code problem}). A reader gives it instead of throwing so
 * that a tolerated value still reaches the model.
 */
record UnknownValue(Object fallback, boolean fromElse, String raw, String problem) {
}

package dev.pmsconversations.mapping;

/**
 * A native document could not be mapped. The message names source, account (once known), the unified
 * field and the native path, never the document's content beyond the offending value.
 */
public class MappingException extends RuntimeException {
    private final String source;
    private final String account;
    private final String field;
    private final String problem;

    public MappingException(String source, String field, String problem) {
        this(source, null, field, problem, null);
    }

    private MappingException(String source, String account, String field, String problem, Throwable cause) {
        super(format(source, account, field, problem), cause);
        this.source = source;
        this.account = account;
        this.field = field;
        this.problem = problem;
    }

    private static String format(String source, String account, String field, String problem) {
        return "source '" + source + "'" + (account == null ? "" : ", account '" + account + "'")
                + (field == null ? "" : ", field '" + field + "'") + ": " + problem;
    }

    public MappingException withAccount(String accountId) {
        return new MappingException(source, accountId, field, problem, getCause());
    }

    public MappingException within(String prefix) {
        return new MappingException(source, account, field == null ? prefix : prefix + "." + field, problem, getCause());
    }

    public String source() {
        return source;
    }

    public String account() {
        return account;
    }

    public String field() {
        return field;
    }

    /** What is wrong, without source and field. */
    public String problem() {
        return problem;
    }
}

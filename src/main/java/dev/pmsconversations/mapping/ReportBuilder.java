package dev.pmsconversations.mapping;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the issues of one thread's mapping. A message's issues are added before its id is known (a missing id is
 * derived from its other fields), so they are placed with {@link #locate} once it is.
 */
final class ReportBuilder {
    private final List<MappingReport.Issue> issues = new ArrayList<>();

    void add(String field, MappingReport.Kind kind, String raw, String detail) {
        issues.add(new MappingReport.Issue(field, kind, raw, null, detail));
    }

    /** A mark: the issues added after it belong to the record being mapped. */
    int mark() {
        return issues.size();
    }

    /** Places the issues added since {@code mark} at {@code at} (e.g. {@code message[id=123]}). */
    void locate(int mark, String at) {
        for (int i = mark; i < issues.size(); i++) {
            MappingReport.Issue x = issues.get(i);
            issues.set(i, new MappingReport.Issue(x.field(), x.kind(), x.raw(), at, x.detail()));
        }
    }

    MappingReport build(String source) {
        return new MappingReport(source, issues);
    }
}

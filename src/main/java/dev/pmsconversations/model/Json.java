package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The project's JSON mappers: one that hides the deprecated conversation {@code type}, one that shows it. */
public final class Json {

    @JsonIgnoreProperties({"type"})
    private abstract static class HideDeprecatedType {
    }

    /** Plain mapper for native documents and internal use. */
    public static final ObjectMapper MAPPER = base().build();

    /** Unified output, deprecated fields omitted (the default). */
    public static final ObjectMapper OUTPUT = base().addMixIn(Conversation.class, HideDeprecatedType.class).build();

    /** Unified output with deprecated fields (option {@code output.includeDeprecated}). */
    public static final ObjectMapper OUTPUT_WITH_DEPRECATED = base().build();

    private Json() {
    }

    private static JsonMapper.Builder base() {
        return JsonMapper.builder()
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static ObjectMapper output(boolean includeDeprecated) {
        return includeDeprecated ? OUTPUT_WITH_DEPRECATED : OUTPUT;
    }
}

package dev.pmsconversations.bench;

import com.dashjoin.jsonata.Jsonata;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The same mapping as a JSONata expression ({@code jsonata/<source>.jsonata}): plain Maps/Lists in, unified JSON
 * out, turned into a Conversation by Jackson. JSONata has no HTML parser, so {@code $text} is bound to the
 * project's TextBodies, as anyone mapping HTML bodies with JSONata would bind a host function.
 */
final class JsonataMapper {
    private final Jsonata expression;

    JsonataMapper(String source) {
        expression = Jsonata.jsonata(read("/jsonata/" + source + ".jsonata"));
        expression.registerFunction("text", (Jsonata.Fn1<String, String>) Nodes::body);
    }

    Conversation map(Object bundle) {
        return Json.MAPPER.convertValue(expression.evaluate(bundle), Conversation.class);
    }

    private static String read(String resource) {
        try (InputStream in = JsonataMapper.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

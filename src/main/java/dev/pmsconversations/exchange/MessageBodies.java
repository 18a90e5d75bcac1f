package dev.pmsconversations.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.support.ExchangeHelper;

/**
 * An HTTP body (a webhook request, a PMS answer) as bytes or text. Camel's type converters copy a stream through a
 * new 8 KB buffer and a {@code BufferedInputStream}/{@code BufferedReader} of its own, whatever its size; with stream
 * caching on (camel-main's default) every HTTP body is such a stream, already in memory. At 1,000 webhooks/s of
 * ~150 bytes those buffers were 22 % of all the runtime's allocation. Here the stream is read to its end once
 * ({@code ByteArrayInputStream}, Camel's in-memory cache, copies its array), and a cache is reset so that a later
 * step can read it again.
 */
public final class MessageBodies {
    private MessageBodies() {
    }

    /** The body as bytes; null when there is none. */
    public static byte[] bytes(Message message) {
        Object body = message.getBody();
        if (!(body instanceof InputStream stream)) {
            return message.getBody(byte[].class); // bytes already, a String, a Vert.x buffer...: Camel's converters
        }
        try {
            byte[] bytes = stream.readAllBytes();
            if (stream instanceof StreamCache cache) {
                cache.reset();
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the message body: " + e.getMessage(), e);
        }
    }

    /** The body as text, in the exchange's charset (an HTTP answer's {@code Content-Type} charset), else UTF-8. */
    public static String text(Message message) {
        if (!(message.getBody() instanceof InputStream)) {
            return message.getBody(String.class);
        }
        byte[] bytes = bytes(message);
        return new String(bytes, charset(ExchangeHelper.getCharsetName(message.getExchange(), false)));
    }

    /** A declared charset Java does not know (a PMS's typo) reads as UTF-8, as JSON is, rather than failing the read. */
    private static Charset charset(String name) {
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) { // IllegalCharsetName, UnsupportedCharset
            return StandardCharsets.UTF_8;
        }
    }
}

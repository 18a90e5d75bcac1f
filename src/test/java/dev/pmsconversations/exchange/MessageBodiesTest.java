package dev.pmsconversations.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Bodies as HTTP brings them (Camel's in-memory stream cache): read whole, readable again, in the answer's charset. */
class MessageBodiesTest {
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void aCachedStreamIsReadWholeAndCanBeReadAgain() {
        byte[] json = "{\"message\":\"Grüße\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getIn().setBody(new InputStreamCache(json));
        assertThat(MessageBodies.bytes(exchange.getIn())).isEqualTo(json);
        assertThat(MessageBodies.bytes(exchange.getIn())).as("a second read, e.g. a dead letter's copy").isEqualTo(json);
        assertThat(MessageBodies.text(exchange.getIn())).isEqualTo("{\"message\":\"Grüße\"}");
    }

    @Test
    void textUsesTheCharsetTheAnswerDeclared() {
        // camel-http sets the exchange's charset from an answer's Content-Type: text/plain; charset=ISO-8859-1
        exchange.setProperty(Exchange.CHARSET_NAME, "ISO-8859-1");
        exchange.getIn().setBody(new InputStreamCache("Grüße".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(MessageBodies.text(exchange.getIn())).isEqualTo("Grüße");
    }

    @Test
    void otherBodiesGoThroughCamelsConverters() {
        exchange.getIn().setBody("Grüße");
        assertThat(MessageBodies.bytes(exchange.getIn())).isEqualTo("Grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(MessageBodies.text(exchange.getIn())).isEqualTo("Grüße");
        exchange.getIn().setBody(null);
        assertThat(MessageBodies.bytes(exchange.getIn())).isNull();
    }

    @Test
    void aCharsetJavaDoesNotKnowReadsAsUtf8() {
        exchange.setProperty(Exchange.CHARSET_NAME, "utf-eight");
        exchange.getIn().setBody(new InputStreamCache("Grüße".getBytes(StandardCharsets.UTF_8)));
        assertThat(MessageBodies.text(exchange.getIn())).isEqualTo("Grüße");
    }
}

package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code map --explain}, on Hostaway's golden fixture (thread 1406, three messages) with two messages damaged: per
 * unified field the native path its rule reads, the value or how many messages got one, why a value is missing, and
 * the evidence grade from mappings/hostaway.yaml. Expected lines written from the fixture and the file by hand.
 */
class MapExplainTest {
    @TempDir
    Path dir;

    @Test
    void eachFieldWithItsPathValueReasonAndEvidence() throws Exception {
        ObjectNode bundle = (ObjectNode) Json.MAPPER.readTree(Path.of("src/test/resources/fixtures/hostaway/thread-1406.native.json").toFile());
        ((ObjectNode) bundle.get("messages").get(0)).remove("insertedOn");
        ((ObjectNode) bundle.get("messages").get(1)).put("isIncoming", 7);
        Path file = dir.resolve("bundle.json");
        Files.writeString(file, bundle.toString());
        CliTest.Result r = CliTest.run("map", "--source", "hostaway", "--explain", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).contains(
                "field                              evidence   native path → value",
                "id                                 documented /id → \"1406\" (from /id)",
                "updatedAt                          documented latest of /messageSentOn, /messageReceivedOn → \"2018-07-16T11:02:10Z\"",
                "recipient.name                     documented first of /recipientName, /Reservation/guestName → \"xray\" (from /recipientName)",
                "recipient.phone                    documented /Reservation/phone → \"+61 3 9000 1234\" (from /Reservation/phone)",
                "messages.createdAt                 documented /insertedOn → 2 of 3 messages have a value; missing",
                "messages.senderType                documented /isIncoming → 2 of 3 messages have a value; unknownValue '7'",
                "messages.subject                   observed   /subject → 1 of 3 messages have a value",
                "messages.attachments.url           documented /url → 1 of 1 attachments have a value");
        assertThat(r.out()).doesNotContain("\"messages\""); // the explanation instead of the JSON
    }
}

package dev.pmsconversations.bench;

import static dev.pmsconversations.bench.Nodes.ISO;
import static dev.pmsconversations.bench.Nodes.first;
import static dev.pmsconversations.bench.Nodes.iso;
import static dev.pmsconversations.bench.Nodes.required;
import static dev.pmsconversations.bench.Nodes.text;
import static dev.pmsconversations.bench.Nodes.time;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Attachment;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.model.MessageType;
import dev.pmsconversations.model.Recipient;
import dev.pmsconversations.model.SenderType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * mappings/bookingsync.yaml by hand. JSON:API records link each other by id, so the related records are indexed
 * once per conversation (participant id -> member type, attachment id -> attachment), as one would by hand.
 */
final class BookingSyncHandMapper implements HandMapper {

    @Override
    public Conversation map(JsonNode bundle) {
        JsonNode c = bundle.path("conversation");
        JsonNode related = bundle.path("related");
        JsonNode client = related.path("client");
        Recipient recipient = new Recipient(text(client.get("fullname")),
                primary(client.path("emails"), "email"), primary(client.path("phones"), "number"), null);
        Map<String, String> memberTypes = new HashMap<>();
        for (JsonNode p : related.path("participants").path("participants")) {
            memberTypes.put(text(p.get("id")), text(p.path("links").path("member").get("type")));
        }
        Map<String, Attachment> attachments = attachmentsById(related.path("attachments").path("attachments"));
        JsonNode list = bundle.path("messages");
        NewestFirst messages = new NewestFirst(list.size());
        String subject = text(c.get("subject")); // an e-mail conversation's subject is its messages' subject
        for (JsonNode m : list) {
            Instant created = time(required(first(text(m.get("sent_at")), text(m.get("created_at"))), "created_at"), ISO);
            String id = required(text(m.get("id")), "message id");
            messages.add(created, new Message(id, iso(created), iso(time(text(m.get("updated_at")), ISO)),
                    Nodes.body(text(m.get("content"))), subject,
                    sender(text(m.get("visibility")), memberTypes.get(text(m.path("links").get("sender")))),
                    "internal".equals(text(m.get("visibility"))) ? null : type(text(m.get("channel")), text(m.get("origin"))),
                    null, null, null, attachments(m.path("links").path("attachments"), attachments)));
        }
        return new Conversation(required(text(c.get("id")), "id"), null,
                required(text(c.path("links").path("bookings").get(0)), "links.bookings"),
                text(related.path("booking").path("links").get("rental")), null, text(c.get("default_channel")),
                iso(time(text(c.get("created_at")), ISO)), iso(time(text(c.get("updated_at")), ISO)), recipient, messages.list());
    }

    /** The primary entry's field, else the first entry's. */
    private static String primary(JsonNode entries, String field) {
        for (JsonNode e : entries) {
            if (e.path("primary").asText().equals("true")) {
                String v = text(e.get(field));
                if (v != null) {
                    return v;
                }
                break;
            }
        }
        return text(entries.path(0).get(field));
    }

    /** The attachments read beside the thread, by id. */
    private static Map<String, Attachment> attachmentsById(JsonNode list) {
        Map<String, Attachment> out = new HashMap<>();
        for (JsonNode a : list) {
            String name = text(a.get("name"));
            out.put(text(a.get("id")), new Attachment(text(a.get("id")), name, text(a.get("url")),
                    new Attachment.Type(Nodes.extension(name), text(a.get("file_content_type")))));
        }
        return out;
    }

    /** The attachments a message links by id: their details when read, else the id alone. */
    private static List<Attachment> attachments(JsonNode linked, Map<String, Attachment> byId) {
        List<Attachment> out = new ArrayList<>(linked.size());
        for (JsonNode id : linked) {
            out.add(byId.getOrDefault(text(id), new Attachment(text(id), null, null, new Attachment.Type(null, null))));
        }
        return out;
    }

    /** Internal messages are notes (Log); otherwise the sender participant's member: a Client is the guest. */
    private static SenderType sender(String visibility, String memberType) {
        if ("internal".equals(visibility)) {
            return SenderType.Log;
        }
        return switch (required(memberType, "sender participant")) {
            case "Client" -> SenderType.Guest;
            case "Host" -> SenderType.Owner;
            default -> throw new IllegalArgumentException("participant member type " + memberType);
        };
    }

    /** The channel when the message has one, else its origin (mappings/bookingsync.yaml). */
    private static MessageType type(String channel, String origin) {
        if (channel != null) {
            return switch (channel) {
                case "airbnb", "homeaway", "booking", "booking-com", "tripadvisor" -> MessageType.CHANNEL;
                case "messenger" -> MessageType.MESSENGER;
                case "email" -> MessageType.EMAIL;
                case "sms" -> MessageType.SMS;
                case "whatsapp" -> MessageType.WHATSAPP;
                default -> MessageType.UNKNOWN;
            };
        }
        if (origin == null) {
            return null;
        }
        return switch (origin) {
            case "airbnb_message", "airbnb_email", "booking-com", "homeaway", "tripadvisor" -> MessageType.CHANNEL;
            case "messenger" -> MessageType.MESSENGER;
            case "email" -> MessageType.EMAIL;
            case "sms" -> MessageType.SMS;
            case "whatsapp" -> MessageType.WHATSAPP;
            default -> MessageType.UNKNOWN;
        };
    }
}

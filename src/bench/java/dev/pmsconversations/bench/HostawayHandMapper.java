package dev.pmsconversations.bench;

import static dev.pmsconversations.bench.Nodes.first;
import static dev.pmsconversations.bench.Nodes.iso;
import static dev.pmsconversations.bench.Nodes.required;
import static dev.pmsconversations.bench.Nodes.text;
import static dev.pmsconversations.bench.Nodes.time;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.TimeFormat;
import dev.pmsconversations.model.Attachment;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.model.MessageStatus;
import dev.pmsconversations.model.MessageType;
import dev.pmsconversations.model.Recipient;
import dev.pmsconversations.model.SeenStatus;
import dev.pmsconversations.model.SenderType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** mappings/hostaway.yaml by hand: flat records, "yyyy-MM-dd HH:mm:ss" times in UTC. */
final class HostawayHandMapper implements HandMapper {
    private static final TimeFormat TIME = TimeFormat.of("yyyy-MM-dd HH:mm:ss");

    @Override
    public Conversation map(JsonNode bundle) {
        JsonNode c = bundle.path("conversation");
        JsonNode r = c.path("Reservation");
        Recipient recipient = new Recipient(
                first(text(c.get("recipientName")), text(r.get("guestName"))),
                first(text(c.get("recipientEmail")), text(r.get("guestEmail"))),
                text(r.get("phone")),
                first(text(c.get("recipientPicture")), text(r.get("guestPicture"))));
        JsonNode list = bundle.path("messages");
        NewestFirst messages = new NewestFirst(list.size());
        for (JsonNode m : list) {
            Instant created = time(required(text(m.get("insertedOn")), "insertedOn"), TIME);
            messages.add(created, message(m, created));
        }
        Instant updated = Nodes.latest(time(text(c.get("messageSentOn")), TIME), time(text(c.get("messageReceivedOn")), TIME));
        return new Conversation(required(text(c.get("id")), "id"), null, required(text(c.get("reservationId")), "reservationId"),
                text(c.get("listingMapId")), null, text(c.get("type")), null, iso(updated), recipient, messages.list());
    }

    private static Message message(JsonNode m, Instant created) {
        return new Message(required(text(m.get("id")), "message id"), iso(created), iso(time(text(m.get("updatedOn")), TIME)),
                Nodes.body(text(m.get("body"))), text(m.get("subject")), sender(text(m.get("isIncoming"))),
                type(text(m.get("communicationType"))), status(text(m.get("status"))), seen(text(m.get("isSeen"))),
                text(m.get("communicationEvent")) != null || text(m.get("communicationId")) != null,
                attachments(m.path("attachments")));
    }

    private static List<Attachment> attachments(JsonNode list) {
        List<Attachment> out = new ArrayList<>(list.size());
        for (JsonNode a : list) {
            out.add(new Attachment(text(a.get("id")), text(a.get("name")), text(a.get("url")),
                    new Attachment.Type(text(a.get("extension")), text(a.get("mimeType")))));
        }
        return out;
    }

    private static SenderType sender(String isIncoming) {
        return switch (required(isIncoming, "isIncoming")) {
            case "1" -> SenderType.Guest;
            case "0" -> SenderType.Owner;
            default -> throw new IllegalArgumentException("isIncoming " + isIncoming);
        };
    }

    private static MessageType type(String v) {
        return v == null ? null : switch (v) {
            case "channel" -> MessageType.CHANNEL;
            case "email" -> MessageType.EMAIL;
            case "sms" -> MessageType.SMS;
            case "whatsapp" -> MessageType.WHATSAPP;
            default -> MessageType.UNKNOWN;
        };
    }

    private static MessageStatus status(String v) {
        return v == null ? null : switch (v) {
            case "sent" -> MessageStatus.SENT;
            case "awaiting", "paused" -> MessageStatus.PENDING;
            case "failed", "cancelled_by_user", "cancelled_by_system" -> MessageStatus.FAILED;
            default -> throw new IllegalArgumentException("status " + v);
        };
    }

    private static SeenStatus seen(String v) {
        return v == null ? null : switch (v) {
            case "1" -> SeenStatus.SEEN;
            case "0" -> SeenStatus.UNSEEN;
            default -> SeenStatus.UNKNOWN;
        };
    }
}

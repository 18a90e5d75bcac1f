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
import dev.pmsconversations.model.MessageStatus;
import dev.pmsconversations.model.MessageType;
import dev.pmsconversations.model.Recipient;
import dev.pmsconversations.model.SenderType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** mappings/guesty.yaml by hand: nested meta records, ISO times, HTML bodies, notes and logs as Log. */
final class GuestyHandMapper implements HandMapper {

    @Override
    public Conversation map(JsonNode bundle) {
        JsonNode c = bundle.path("conversation");
        JsonNode meta = c.path("meta");
        JsonNode reservation = meta.path("reservations").path(0);
        JsonNode guest = meta.path("guest");
        Recipient recipient = new Recipient(first(text(guest.get("fullName")), text(meta.get("guestName"))),
                text(guest.get("email")), text(guest.get("phone")), null);
        JsonNode list = bundle.path("messages");
        NewestFirst messages = new NewestFirst(list.size());
        for (JsonNode m : list) {
            Instant created = time(required(text(m.get("createdAt")), "createdAt"), ISO);
            messages.add(created, message(m, created));
        }
        Instant updated = Nodes.latest(time(text(c.get("modifiedAt")), ISO), time(text(c.get("updatedAt")), ISO));
        return new Conversation(required(text(c.get("_id")), "_id"),
                first(text(c.at("/integration/airbnb2/threadId")), text(meta.at("/integration/airbnb2/threadId"))),
                required(text(reservation.get("_id")), "reservation _id"), text(reservation.path("listing").get("_id")), null,
                first(text(meta.at("/integration/platform")), text(c.at("/integration/platform"))),
                iso(time(text(c.get("createdAt")), ISO)), iso(updated), recipient, messages.list());
    }

    private static Message message(JsonNode m, Instant created) {
        JsonNode module = m.path("module");
        String moduleType = text(module.get("type"));
        return new Message(required(text(m.get("_id")), "message _id"), iso(created), null, Nodes.body(text(m.get("body"))),
                text(module.get("subject")), sender(moduleType, text(m.get("sentBy"))), type(moduleType),
                status(text(m.get("status"))), null, bool(text(m.get("isAutomatic"))), attachments(m.path("attachments")));
    }

    private static List<Attachment> attachments(JsonNode list) {
        List<Attachment> out = new ArrayList<>(list.size());
        for (JsonNode a : list) {
            out.add(new Attachment(text(a.get("_id")), text(a.get("name")), text(a.get("url")), null));
        }
        return out;
    }

    /** Notes and system logs are Log whoever wrote them; otherwise who sent it. */
    private static SenderType sender(String moduleType, String sentBy) {
        if ("note".equals(moduleType) || "log".equals(moduleType)) {
            return SenderType.Log;
        }
        return switch (required(sentBy, "sentBy")) {
            case "guest" -> SenderType.Guest;
            case "host" -> SenderType.Owner;
            case "log" -> SenderType.Log;
            default -> throw new IllegalArgumentException("sentBy " + sentBy);
        };
    }

    private static MessageType type(String v) {
        return v == null ? null : switch (v) {
            case "email" -> MessageType.EMAIL;
            case "sms" -> MessageType.SMS;
            case "whatsapp" -> MessageType.WHATSAPP;
            case "airbnb2", "bookingCom", "platform" -> MessageType.CHANNEL;
            case "note", "log" -> null;
            default -> MessageType.UNKNOWN;
        };
    }

    private static MessageStatus status(String v) {
        return v == null ? null : switch (v) {
            case "pending", "queued" -> MessageStatus.PENDING;
            case "sent" -> MessageStatus.SENT;
            case "delivered" -> MessageStatus.DELIVERED;
            case "failed" -> MessageStatus.FAILED;
            default -> null;
        };
    }

    private static Boolean bool(String v) {
        return v == null ? null : switch (v.toLowerCase()) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("isAutomatic " + v);
        };
    }
}

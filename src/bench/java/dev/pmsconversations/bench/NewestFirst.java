package dev.pmsconversations.bench;

import dev.pmsconversations.model.Message;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Messages newest first, ties by id (numerically where both are numbers), the order the model promises. The
 * sort key is the parsed time kept beside each message, so nothing is parsed twice.
 */
final class NewestFirst {
    private record Keyed(Instant at, Message message) {
    }

    private static final Comparator<Keyed> ORDER = Comparator.comparing(Keyed::at)
            .thenComparing((a, b) -> compareIds(a.message().id(), b.message().id())).reversed();

    private final List<Keyed> items;

    NewestFirst(int size) {
        items = new ArrayList<>(size);
    }

    void add(Instant createdAt, Message message) {
        items.add(new Keyed(createdAt, message));
    }

    List<Message> list() {
        items.sort(ORDER);
        List<Message> out = new ArrayList<>(items.size());
        for (Keyed k : items) {
            out.add(k.message());
        }
        return out;
    }

    private static int compareIds(String a, String b) {
        boolean numbers = !a.isEmpty() && !b.isEmpty() && a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit);
        return numbers ? new BigInteger(a).compareTo(new BigInteger(b)) : a.compareTo(b);
    }
}

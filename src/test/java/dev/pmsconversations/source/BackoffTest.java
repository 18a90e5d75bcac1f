package dev.pmsconversations.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Retry-After in both forms RFC 9110 allows (seconds, HTTP date), capped; otherwise exponential with jitter. */
class BackoffTest {
    @Test
    void retryAfterSecondsOrDateElseExponentialWithJitter() {
        assertThat(Backoff.millis(1000, 60_000, 120_000, 1, "2")).isEqualTo(2000);
        assertThat(Backoff.millis(1000, 60_000, 120_000, 1, "9999")).isEqualTo(120_000); // capped
        // a date is counted from the backoff's clock, held still here: exact, however long the test takes to get there
        ZonedDateTime now = ZonedDateTime.of(2026, 12, 4, 16, 0, 0, 0, ZoneOffset.UTC);
        InstantSource clock = InstantSource.fixed(now.toInstant());
        String inFiveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(5));
        assertThat(Backoff.millis(1000, 60_000, 120_000, 1, inFiveSeconds, clock)).isEqualTo(5000);
        assertThat(Backoff.millis(1000, 60_000, 120_000, 1, inFiveSeconds, InstantSource.fixed(now.toInstant().plusMillis(400))))
                .as("HTTP dates have whole seconds; the wait is what is left of them").isEqualTo(4600);
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(30));
        assertThat(Backoff.millis(1000, 60_000, 120_000, 1, past, clock)).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(Backoff.millis(1000, 60_000, 120_000, 3, "soon")).isBetween(2000L, 4000L); // 4 s, half of it jitter
            assertThat(Backoff.millis(1000, 60_000, 120_000, 30, null)).isBetween(30_000L, 60_000L);
        }
    }
}

package dev.pmsconversations.simulator;

import java.time.Instant;

/** A message to add to a simulated thread, source-neutral; each simulated PMS renders it natively. */
public record NewMessage(String body, boolean fromGuest, Instant at) {
}

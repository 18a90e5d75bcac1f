package dev.pmsconversations.sync;

import dev.pmsconversations.config.RuntimeConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A circuit breaker per account (resilience4j). After {@code failures} failed polls in a row, or at once when the PMS
 * refuses the credentials, the account's polls are skipped for {@code openSeconds}; the next poll is a trial, and
 * each failed trial doubles the wait up to {@code maxOpenSeconds}. A PMS that is down or refuses the account is
 * then asked once per interval instead of at every poll with all its retries: it is not hammered, and the account
 * does not hold poll threads in backoff while the other accounts wait for them. Each node keeps its own breakers.
 */
final class PollBreakers {
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private volatile CircuitBreakerConfig config;
    /** What the open intervals are timed by: real time (a test moves its own clock instead). */
    private volatile Clock clock = Clock.systemUTC();

    PollBreakers(RuntimeConfig.BreakerConfig settings) {
        configure(settings);
    }

    /** Times the open intervals by {@code clock} from now on (the breakers start again, closed). */
    void useClock(Clock clock) {
        this.clock = clock;
        breakers.clear();
    }

    void configure(RuntimeConfig.BreakerConfig settings) {
        config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.failures())
                .minimumNumberOfCalls(settings.failures())
                .failureRateThreshold(100)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(
                        Duration.ofSeconds(settings.openSeconds()), 2.0, Duration.ofSeconds(settings.maxOpenSeconds())))
                .build();
        breakers.clear();
    }

    /** True when the account may be polled now (closed, or the trial of a half-open breaker). */
    boolean tryPoll(String accountId) {
        return breaker(accountId).tryAcquirePermission();
    }

    void succeeded(String accountId, Duration took) {
        breaker(accountId).onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A failed poll; refused credentials open the breaker at once (retrying them at every poll changes nothing). */
    void failed(String accountId, Duration took, Throwable cause, boolean authRefused) {
        CircuitBreaker b = breaker(accountId);
        b.onError(took.toNanos(), TimeUnit.NANOSECONDS, cause == null ? new IllegalStateException("poll failed") : cause);
        if (authRefused && b.getState() != CircuitBreaker.State.OPEN) {
            b.transitionToOpenState();
        }
    }

    /** The account's breaker starts again, closed (its credentials or settings changed: the next poll is not held back). */
    void forget(String accountId) {
        breakers.remove(accountId);
    }

    /** CLOSED, OPEN or HALF_OPEN. */
    String state(String accountId) {
        return breaker(accountId).getState().name();
    }

    private CircuitBreaker breaker(String accountId) {
        return breakers.computeIfAbsent(accountId, id -> new CircuitBreakerStateMachine("poll-" + id, config, clock));
    }
}

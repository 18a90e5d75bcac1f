package dev.pmsconversations.limits;

import dev.pmsconversations.source.ApiSpec;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Limits held in this JVM (resilience4j): right for one node; several nodes would each allow the whole limit. */
final class LocalPermits implements RequestPermits {
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    @Override
    public void await(String key, List<ApiSpec.RateLimit> limits) {
        for (ApiSpec.RateLimit limit : limits) {
            RateLimiter limiter = limiters.computeIfAbsent(key + "|" + limit.requests() + "/" + limit.perSeconds(),
                    k -> RateLimiter.of(k, RateLimiterConfig.custom()
                            .limitForPeriod(limit.requests())
                            .limitRefreshPeriod(Duration.ofSeconds(limit.perSeconds()))
                            .timeoutDuration(Duration.ofMinutes(10))
                            .build()));
            RateLimiter.waitForPermission(limiter);
        }
    }
}

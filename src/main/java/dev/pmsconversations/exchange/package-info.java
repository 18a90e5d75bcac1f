/**
 * What a unit of work carries through the routes, below every other package: the message headers, the log context
 * (MDC), and reading request and answer bodies off Camel's stream cache.
 */
package dev.pmsconversations.exchange;

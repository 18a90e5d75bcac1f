package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.Selector;
import dev.pmsconversations.model.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PMS's send call as the source file's {@code api.send} describes it: the values it needs from the PMS first
 * ({@code prepare}), the call itself (one attempt, never retried here), and what its answer means.
 */
final class Sender {
    private final PmsAccount pms;
    private final Requester requester;

    Sender(PmsAccount pms, Requester requester) {
        this.pms = pms;
        this.requester = requester;
    }

    /** Waits until the account's limits and the send call's own allow one send. */
    void awaitPermits() {
        requester.awaitPermits();
        SendSpec spec = pms.source().api().send();
        if (spec != null && !spec.rateLimits().isEmpty()) {
            requester.awaitPermits("send", spec.rateLimits());
        }
    }

    SendOutcome send(Map<String, String> pathParams, JsonNode body) {
        SendSpec spec = pms.source().api().send();
        String path = RequestTemplates.expand(spec.path(), pathParams);
        String what = spec.method() + " " + path;
        boolean reauthenticated = false;
        while (true) {
            if (reauthenticated) {
                awaitPermits(); // the first attempt's permits were taken by the caller before claiming the message
            }
            PmsHttp.Response r = requester.once(spec.method(), path, Map.of("Accept", "application/json"), "application/json", body.toString());
            if (r.ok()) {
                return accepted(spec, r, what);
            }
            if ((r.status() == 401 || r.status() == 403) && requester.auth().issuesTokens() && !reauthenticated) {
                requester.auth().invalidate();
                reauthenticated = true;
                continue;
            }
            if (r.status() == 429) {
                requester.countRateLimited();
                return new SendOutcome(SendOutcome.Result.NOT_PROCESSED, 429, pms.fail(what + ": HTTP 429 (rate limited)"), r.retryAfter(), null);
            }
            if (r.status() < 0) {
                boolean refused = r.body() != null && r.body().contains("Connect");
                return new SendOutcome(refused ? SendOutcome.Result.NOT_PROCESSED : SendOutcome.Result.UNKNOWN, -1,
                        pms.fail(what + ": no answer (" + PmsAnswers.firstLine(r.body()) + ")"), null, null);
            }
            if (r.status() >= 500) {
                return new SendOutcome(SendOutcome.Result.UNKNOWN, r.status(), pms.fail(what + ": HTTP " + r.status()), r.retryAfter(), null);
            }
            return new SendOutcome(SendOutcome.Result.REJECTED, r.status(), pms.fail(what + ": refused with HTTP " + r.status()
                    + PmsAnswers.errorText(r.body())), null, null);
        }
    }

    /** A 2xx answer: accepted, unless the file names a success flag that says otherwise (then the error it names). */
    private SendOutcome accepted(SendSpec spec, PmsHttp.Response r, String what) {
        JsonNode answer;
        try {
            answer = r.body() == null || r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            answer = Json.MAPPER.createObjectNode(); // accepted; the id is then found by lookup
        }
        if (spec.acceptedPath() != null && answer.at(spec.acceptedPath()).isBoolean() && !answer.at(spec.acceptedPath()).asBoolean()) {
            JsonNode error = spec.errorPath() == null ? null : answer.at(spec.errorPath());
            String reason = error == null || error.isMissingNode() ? "" : ": " + (error.isTextual() ? error.asText() : error.toString());
            return new SendOutcome(SendOutcome.Result.REJECTED, r.status(), pms.fail(what + ": refused in a " + r.status() + " answer"
                    + (reason.length() > 300 ? reason.substring(0, 297) + "..." : reason)), null, answer);
        }
        return new SendOutcome(SendOutcome.Result.ACCEPTED, r.status(), what + ": HTTP " + r.status(), null, answer);
    }

    /**
     * The values a send needs from the PMS first (api.send.prepare), in file order, e.g. RentalWise's thread provider or
     * BookingSync's Host participant: the value at the step's pointer (an array is joined with commas); an identical
     * request is made once. A required value the PMS does not give fails the send before anything is posted.
     */
    Map<String, String> prepare(String conversationId) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("id", conversationId);
        Map<String, JsonNode> answers = new HashMap<>();
        pms.source().api().send().prepare().forEach((name, step) -> {
            String value = prepared(name, step, values, answers);
            if (value == null && step.otherwise() != null) {
                value = prepared(name, step.otherwise(), values, answers);
            }
            if (value == null && !step.optional()) {
                throw pms.error("send: no value for '" + name + "' at '" + step.valuePath() + "' of " + step.request().method() + " "
                        + RequestTemplates.expand(step.request().path(), values), 422);
            }
            if (value != null) {
                values.put(name, value);
            }
        });
        values.remove("id");
        return values;
    }

    private String prepared(String name, SendSpec.Prepare step, Map<String, String> values, Map<String, JsonNode> answers) {
        String path = RequestTemplates.expand(step.request().path(), values);
        JsonNode requestBody = RequestTemplates.requestBody(step.request(), values);
        String what = step.request().method() + " " + path + " (send: " + name + ")";
        String key = step.request().method() + " " + path + " " + requestBody;
        JsonNode body = answers.get(key);
        if (body == null) {
            body = requester.getJson(step.request().method(), path, step.request().query(), requestBody, what);
            if (step.request().method().equals("GET")) {
                answers.put(key, body);
            }
        }
        JsonNode value = Selector.parse(step.valuePath()).select(body, body);
        String text = value.isArray() ? RequestTemplates.joined(value) : value.isValueNode() && !value.isNull() ? value.asText() : "";
        return text.isEmpty() ? null : text;
    }
}

package dev.pmsconversations.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated PMS's authorize page for our OAuth application (RFC 6749 §4.1.1-4.1.2): GET shows it (the host picks the
 * account it is signed in as and allows or denies), the form's POST goes back to redirect_uri with a one-time code or
 * {@code error=access_denied}, and the state. The token endpoint redeems the code ({@link #redeem}).
 */
final class SimConsent {
    private final String pmsName;
    private final String clientId;
    /** code → {account id, the redirect_uri it was granted with}; each redeemed once. */
    private final Map<String, String[]> codes = new ConcurrentHashMap<>();

    SimConsent(String pmsName, String clientId) {
        this.pmsName = pmsName;
        this.clientId = clientId;
    }

    SimResponse handle(SimExchange ex, Map<String, SimAccount> accounts) {
        return ex.method().equals("GET") ? page(ex, accounts) : consent(ex, accounts);
    }

    private SimResponse page(SimExchange ex, Map<String, SimAccount> accounts) {
        Map<String, String> q = ex.query();
        if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type")) || q.get("redirect_uri") == null) {
            return new SimResponse(400, "text/html; charset=utf-8", "<p>invalid_request: unknown client or response_type</p>", Map.of());
        }
        StringBuilder options = new StringBuilder();
        accounts.keySet().stream().sorted().forEach(id -> options.append("<option>").append(html(id)).append("</option>"));
        String page = "<!doctype html><html><head><meta charset=utf-8><title>Authorize application - " + html(pmsName) + " (simulated)</title></head><body>"
                + "<h1>Authorize the application?</h1><p>It asks for: " + html(q.getOrDefault("scope", "")) + "</p>"
                + "<form method=post action=authorize><label>Signed in as <select name=account>" + options + "</select></label>"
                + hidden("client_id", q.get("client_id")) + hidden("redirect_uri", q.get("redirect_uri")) + hidden("state", q.getOrDefault("state", ""))
                + "<button id=allow name=decision value=allow>Authorize</button> <button id=deny name=decision value=deny>Deny</button></form></body></html>";
        return new SimResponse(200, "text/html; charset=utf-8", page, Map.of());
    }

    private SimResponse consent(SimExchange ex, Map<String, SimAccount> accounts) {
        Map<String, String> form = PmsSimulator.parseForm(ex.body());
        String redirect = form.get("redirect_uri");
        SimAccount a = accounts.get(form.getOrDefault("account", ""));
        if (redirect == null || a == null || !clientId.equals(form.get("client_id"))) {
            return new SimResponse(400, "text/html; charset=utf-8", "<p>invalid_request</p>", Map.of());
        }
        String state = URLEncoder.encode(form.getOrDefault("state", ""), StandardCharsets.UTF_8);
        String sep = redirect.contains("?") ? "&" : "?";
        if (!"allow".equals(form.get("decision"))) {
            return new SimResponse(302, "text/html", "", Map.of("Location", redirect + sep + "error=access_denied&state=" + state));
        }
        String code = java.util.UUID.randomUUID().toString().replace("-", "");
        codes.put(code, new String[] {a.id, redirect});
        return new SimResponse(302, "text/html", "", Map.of("Location", redirect + sep + "code=" + code + "&state=" + state));
    }

    /** The code's {account id, redirect_uri}, once; null: unknown or used. */
    String[] redeem(String code) {
        return code == null ? null : codes.remove(code);
    }

    private static String hidden(String name, String value) {
        return "<input type=hidden name=" + name + " value=\"" + html(value) + "\">";
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.source.PmsHttp;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.HeadlessChromium;
import dev.pmsconversations.testing.AccountsTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The connect flow for hosts (issue "Connections"), end to end in headless Chromium against the simulator: an operator
 * makes a one-time link; a Smoobu host types a wrong API key (refused by Smoobu, the page says why, the link still
 * works), then the right one, and lands on the operator's redirectUrl with the new account's id; a BookingSync host is
 * sent to BookingSync's authorize page, allows our application, and comes back through /oauth/callback: the code is
 * exchanged for a refresh token and the account is created. Both accounts are then polled. A used link is refused.
 * The form's screenshot is target/connect-page.png (kept as docs/img/connect-page.png).
 */
class ConnectPageTest extends AccountsTestSupport {
    private HttpServer backend;
    /** The query strings the operator's redirectUrl received (the host's browser landing there). */
    private final List<String> landed = new CopyOnWriteArrayList<>();

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        RuntimeConfig.Connect connect = new RuntimeConfig.Connect(600, Map.of("bookingsync", new RuntimeConfig.OAuthApp(
                new Secret(PmsSimulator.BOOKINGSYNC_APP_CLIENT_ID, "test"), new Secret(PmsSimulator.BOOKINGSYNC_APP_CLIENT_SECRET, "test")),
                // OwnerRez's authorize page is on app.ownerrez.com: the simulator's, as an operator's sandbox would be set
                "ownerrez", new RuntimeConfig.OAuthApp(new Secret(PmsSimulator.OWNERREZ_APP_CLIENT_ID, "test"),
                        new Secret(PmsSimulator.OWNERREZ_APP_CLIENT_SECRET, "test"), sim.baseUrl("ownerrez") + "/oauth/authorize", null)));
        return withKey(config.withApi(config.api().withPublicUrl("http://127.0.0.1:" + apiPort, connect)), "connect-test-key-0123456789abcdef");
    }

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void anApiKeyHostConnectsThroughTheForm() throws Exception {
        SimAccount smoobu = sim.source("smoobu").seed("sm-host-9", 1, 1);
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        JsonNode session = session(api, "smoobu", sim.baseUrl("smoobu"));
        String url = session.get("url").asText();
        assertThat(url).startsWith("http://127.0.0.1:" + apiPort + "/connect/");

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.viewport(800, 700);
            browser.navigate(url);
            Awaitility.await("the form").atMost(Duration.ofSeconds(10)).until(() -> browser.evaluate("!!document.getElementById('f-apiKey')").asBoolean());
            assertThat(browser.evaluate("document.getElementById('title').textContent").asText()).isEqualTo("Connect your Smoobu account");
            assertThat(browser.evaluate("[...document.querySelectorAll('#fields input')].map(i => i.name + ':' + i.type)").toString())
                    .isEqualTo("[\"apiKey:password\"]");
            Path png = Path.of("target", "connect-page.png").toAbsolutePath();
            Files.deleteIfExists(png);
            browser.screenshot(png, 800);
            assertThat(Files.size(png)).isGreaterThan(5_000);

            // a key Smoobu refuses: the page says so, nothing is created, the link still works
            submit(browser, "not-the-key");
            Awaitility.await("the refusal shown").atMost(Duration.ofSeconds(10))
                    .until(() -> !browser.evaluate("document.getElementById('error').textContent").asText().isEmpty());
            assertThat(browser.evaluate("document.getElementById('error').textContent").asText()).contains("401").doesNotContain("not-the-key");
            assertThat(landed).isEmpty();

            submit(browser, smoobu.credentials.get("apiKey"));
            Awaitility.await("back at the operator's page").atMost(Duration.ofSeconds(15)).until(() -> !landed.isEmpty());
        }
        Map<String, String> query = PmsHttp.decode(landed.get(0));
        assertThat(query).containsEntry("status", "connected").containsEntry("externalRef", "host-9").containsKey("accountId");
        String id = query.get("accountId");
        JsonNode account = api.get("/v2/accounts/" + id, TestRuntime.TOKEN).json().get("data");
        assertThat(account.get("source").asText()).isEqualTo("smoobu");
        assertThat(account.get("managedBy").asText()).isEqualTo("api");
        assertThat(account.get("externalRef").asText()).isEqualTo("host-9");
        assertThat(account.get("name").asText()).isEqualTo("Host nine");
        String thread = smoobu.threads.get(0).id;
        Awaitility.await("the connected account polled").atMost(Duration.ofSeconds(10))
                .until(() -> events(id).stream().anyMatch(e -> e.at("/data/id").asText().equals(thread)));

        // one time only
        String token = url.substring(url.lastIndexOf('/') + 1);
        ApiClient.Answer again = api.get("/connect/" + token + "/session", null);
        assertThat(again.status()).isEqualTo(410);
        assertThat(api.get("/connect/no-such-token/session", null).status()).isEqualTo(404);
    }

    /**
     * BookingSync: the refresh token in the form-authenticated exchange, kept with our application's id and secret.
     * OwnerRez: its authorize page on another host than its API (our application's authorizeUrl here: the simulator),
     * the exchange with HTTP Basic and without redirect_uri, the access token the account's one credential.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bookingsync | BookingSync | scope=inbox_read+inbox_write& | [\"clientId\",\"clientSecret\",\"refreshToken\"]",
        "ownerrez    | OwnerRez    |                              | [\"accessToken\"]"
    })
    void anOAuthHostAuthorizesAtThePmsAndComesBackConnected(String source, String pmsName, String scope, String keys) throws Exception {
        SimAccount host = sim.source(source).seed(source + "-host-9", 1, 1);
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        JsonNode session = session(api, source, sim.baseUrl(source));
        String clientId = source.equals("ownerrez") ? PmsSimulator.OWNERREZ_APP_CLIENT_ID : PmsSimulator.BOOKINGSYNC_APP_CLIENT_ID;

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.navigate(session.get("url").asText());
            Awaitility.await("the button").atMost(Duration.ofSeconds(10))
                    // (null until the page has loaded: evaluated right after the navigation starts)
                    .until(() -> browser.evaluate("!!document.getElementById('oauth') && !document.getElementById('oauth').hidden").asBoolean());
            assertThat(browser.evaluate("document.getElementById('authorize').textContent").asText()).isEqualTo("Continue to " + pmsName);
            browser.evaluate("document.getElementById('authorize').click()");
            // at the (simulated) PMS: the host signs in as their account and allows the application
            Awaitility.await(pmsName + "'s authorize page").atMost(Duration.ofSeconds(10))
                    .until(() -> browser.evaluate("!!document.getElementById('allow')").asBoolean());
            String at = browser.evaluate("location.href").asText();
            assertThat(at).contains("/" + source + "/oauth/authorize?client_id=" + clientId)
                    .contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A" + apiPort + "%2Foauth%2Fcallback&response_type=code&" + (scope == null ? "" : scope) + "state=");
            if (scope == null) {
                assertThat(at).doesNotContain("scope=");
            }
            browser.evaluate("document.querySelector('select[name=account]').value = '" + host.id + "'; document.getElementById('allow').click()");
            Awaitility.await("back at the operator's page").atMost(Duration.ofSeconds(15)).until(() -> !landed.isEmpty());
        }
        Map<String, String> query = PmsHttp.decode(landed.get(0));
        assertThat(query).as(landed.get(0)).containsEntry("status", "connected").containsKey("accountId");
        String id = query.get("accountId");
        JsonNode account = api.get("/v2/accounts/" + id, TestRuntime.TOKEN).json().get("data");
        assertThat(account.get("source").asText()).isEqualTo(source);
        assertThat(account.at("/credentials/keys").toString()).isEqualTo(keys);
        String thread = host.threads.get(0).id;
        Awaitility.await("the connected account polled with the credential it got").atMost(Duration.ofSeconds(10))
                .until(() -> events(id).stream().anyMatch(e -> e.at("/data/id").asText().equals(thread)));
        assertThat(String.join("\n", landed)).doesNotContain(PmsSimulator.BOOKINGSYNC_APP_CLIENT_SECRET, PmsSimulator.OWNERREZ_APP_CLIENT_SECRET);
    }

    @Test
    void sessionsNeedAnOperatorAndGoodInput() {
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        assertThat(api.post("/v2/connect-sessions", TestRuntime.SCOPED_TOKEN, "{\"source\":\"smoobu\",\"redirectUrl\":\"http://x\"}", Map.of())
                .status()).isEqualTo(403);
        assertThat(api.post("/v2/connect-sessions", TestRuntime.TOKEN, "{\"source\":\"nopms\",\"redirectUrl\":\"http://x\"}", Map.of())
                .json().at("/error/message").asText()).startsWith("'source'");
        assertThat(api.post("/v2/connect-sessions", TestRuntime.TOKEN, "{\"source\":\"smoobu\",\"redirectUrl\":\"javascript:alert(1)\"}", Map.of())
                .json().at("/error/message").asText()).startsWith("'redirectUrl'");
        assertThat(api.post("/v2/connect-sessions", TestRuntime.TOKEN, "{\"source\":\"smoobu\",\"redirectUrl\":\"http://x\",\"sinks\":[\"nowhere\"]}",
                Map.of()).json().at("/error/message").asText()).startsWith("'sinks'");
    }

    /** A connect session for {@code source} whose redirectUrl is this test's backend. */
    private JsonNode session(ApiClient api, String source, String baseUrl) throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/connected", ex -> {
            URI uri = ex.getRequestURI();
            landed.add(uri.getRawQuery() == null ? "" : uri.getRawQuery());
            byte[] page = "<h1>Thanks, you are connected</h1>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        backend.start();
        ObjectNode body = Json.MAPPER.createObjectNode().put("source", source).put("externalRef", "host-9").put("name", "Host nine")
                .put("redirectUrl", "http://127.0.0.1:" + backend.getAddress().getPort() + "/connected?from=crm").put("baseUrl", baseUrl);
        body.putObject("schedule").put("every", "1s");
        ApiClient.Answer created = api.post("/v2/connect-sessions", TestRuntime.TOKEN, body.toString(), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("data");
    }

    private static void submit(HeadlessChromium browser, String key) throws Exception {
        browser.evaluate("document.getElementById('f-apiKey').value = " + Json.MAPPER.writeValueAsString(key)
                + "; document.getElementById('submit').click()");
    }
}

package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.HeadlessChromium;
import dev.pmsconversations.testing.OpenApi;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * GET /v2/status, and the status page served by the runtime in a real headless Chromium (Debian's, installed by
 * scripts/ensure-chromium.sh in the test set-up), measured as the browser laid it out at 1400 px: it loads
 * /v2/status with the token from the URL fragment. The screenshot is kept as target/status-page.png (a copy is
 * docs/img/status-page.png).
 */
class StatusPageTest extends RuntimeTestSupport {
    private static final String NODE = "status-node-7";
    private static final int WIDTH = 1400;
    private ApiClient api;

    @Override
    protected boolean withApi() {
        return true;
    }

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        RuntimeConfig.ClusterConfig c = config.cluster();
        return config.withCluster(new RuntimeConfig.ClusterConfig(NODE, c.pollThreads(), c.checkinMillis(), c.readsInParallel()));
    }

    private void start() {
        awaitFirstPolls();
        api = new ApiClient(apiPort);
    }

    private JsonNode status(String token) {
        ApiClient.Answer a = api.get("/v2/status", token);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(OpenApi.problems("GET", "/v2/status", a.status(), a.json())).as(a.text()).isEmpty();
        return a.json().get("data");
    }

    /** A send the PMS refuses (422 to its send call): FAILED at once, with the PMS's reason. Returns the outbox entry. */
    private JsonNode failedSend(String source, String sendPath) {
        sim.inject(source, SimFault.status(sendPath, 422).onMethod("POST"), 1);
        ApiClient.Answer a = api.post("/v2/conversations/" + fixtureThread(source) + "/messages?accountId=" + source + "-1",
                TestRuntime.TOKEN, "{\"body\":\"a message the PMS refuses\"}", Map.of());
        assertThat(a.status()).as(a.text()).isEqualTo(202);
        String id = a.json().at("/data/id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v2/outbox/" + id, TestRuntime.TOKEN).json().at("/data/status").asText()
                .equals("FAILED"));
        return api.get("/v2/outbox/" + id, TestRuntime.TOKEN).json().get("data");
    }

    /** A guest writes in the fixture thread: the PMS sends the account's webhook, and the runtime processes it. */
    private void guestWritesWithAWebhook(String source) {
        sim.addMessage(source, source + "-1", fixtureThread(source), "is the pool heated?", true);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theStatusApiShowsAFullTokenEveryAccountAndALimitedTokenOnlyItsOwn() {
        start();
        JsonNode hostawayFailed = failedSend("hostaway", "/messages");
        JsonNode guestyFailed = failedSend("guesty", "/send-message");
        guestWritesWithAWebhook("hostaway");
        guestWritesWithAWebhook("guesty");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(TestRuntime.TOKEN).at("/webhooks/counts/DONE").asInt() == 2);

        JsonNode all = status(TestRuntime.TOKEN);
        assertThat(all.get("nodeId").asText()).isEqualTo(NODE);
        assertThat(all.get("limitedToAccounts").isNull()).isTrue();
        assertThat(all.get("accounts")).hasSize(SOURCES.size());
        all.get("accounts").forEach(acc -> {
            assertThat(acc.get("health").asText()).as(acc.toString()).isEqualTo("UP");
            assertThat(acc.get("newestMessageAt").asText()).as(acc.toString()).isNotEmpty();
        });
        assertThat(all.get("schedule").get("pollsStarted").asInt()).isGreaterThanOrEqualTo(SOURCES.size());
        assertThat(all.at("/sinks/0/name").asText()).isEqualTo("files");
        assertThat(all.at("/coverage/0/0").asText()).isEqualTo("field");
        assertThat(all.get("coverage").size()).isGreaterThan(20);
        assertThat(all.at("/outbox/counts").toString()).isEqualTo("{\"PENDING\":0,\"SENDING\":0,\"SENT\":0,\"FAILED\":2}");
        JsonNode failures = all.at("/outbox/recentFailures");
        assertThat(failures).hasSize(2);
        for (JsonNode sent : List.of(hostawayFailed, guestyFailed)) {
            JsonNode f = failures.get(0).get("id").asText().equals(sent.get("id").asText()) ? failures.get(0) : failures.get(1);
            assertThat(f.get("id").asText()).isEqualTo(sent.get("id").asText());
            assertThat(f.get("accountId").asText()).isEqualTo(sent.get("accountId").asText());
            assertThat(f.get("conversationId").asText()).isEqualTo(sent.get("conversationId").asText());
            assertThat(f.get("reason").asText()).isEqualTo(sent.get("error").asText()).contains("HTTP 422");
        }
        assertThat(all.at("/webhooks/counts").toString()).isEqualTo("{\"RECEIVED\":0,\"COVERED\":0,\"PROCESSING\":0,\"DONE\":2,\"FAILED\":0}");

        // tenant isolation: the token for hostaway-1 sees hostaway-1 and counts over its rows only
        await().atMost(Duration.ofSeconds(30)).until(() -> status(TestRuntime.SCOPED_TOKEN).at("/sinks/0/delivered").asInt()
                == events("hostaway-1").size());
        JsonNode own = status(TestRuntime.SCOPED_TOKEN);
        assertThat(own.get("nodeId").asText()).isEqualTo(NODE);
        assertThat(texts(own.get("limitedToAccounts"))).containsExactly("hostaway-1");
        assertThat(own.get("accounts")).hasSize(1);
        assertThat(own.at("/accounts/0/accountId").asText()).isEqualTo("hostaway-1");
        assertThat(own.has("schedule")).as("the schedule counts every account's polls").isFalse();
        assertThat(own.at("/outbox/counts/FAILED").asInt()).isEqualTo(1);
        assertThat(own.at("/outbox/recentFailures").findValuesAsText("id")).containsExactly(hostawayFailed.get("id").asText());
        assertThat(own.at("/webhooks/counts/DONE").asInt()).isEqualTo(1);
        assertThat(own.at("/sinks/0/delivered").asInt()).isEqualTo(events("hostaway-1").size()).isLessThan(all.at("/sinks/0/delivered").asInt());
        assertThat(own.get("coverage").size()).isEqualTo(all.get("coverage").size());

        assertThat(api.get("/v2/status", null).status()).isEqualTo(401);
    }

    @Test
    void thePageShowsTheDownReasonFailedSendsAndWebhooksReadablyAt1400Px() throws Exception {
        sim.inject("smoobu", SimFault.status("/reservations", 401), 100); // the PMS refuses smoobu-1's key: DOWN
        start();
        JsonNode failed = failedSend("hostaway", "/messages");
        guestWritesWithAWebhook("hostaway");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(TestRuntime.TOKEN).at("/webhooks/counts/DONE").asInt() == 1);
        // Hostaway sends a sender value its file does not know: the message is delivered (sender null) and it is drift
        var thread = sim.source("hostaway").account("hostaway-1").thread(fixtureThread("hostaway"));
        sim.addMessage("hostaway", "hostaway-1", fixtureThread("hostaway"), "from a stranger", true);
        thread.messages.get(thread.messages.size() - 1).put("isIncoming", 7);
        poll("hostaway-1");
        // the message's webhook (the simulator sends Hostaway's) is processed too: the page below counts 2 done
        await().atMost(Duration.ofSeconds(30)).until(() -> status(TestRuntime.TOKEN).at("/webhooks/counts/DONE").asInt() == 2);
        JsonNode data = status(TestRuntime.TOKEN);
        // (the fixtures' image-only messages of Hostex and Hostify are drift too: a message without a text body)
        JsonNode hostawayDrift = null;
        for (JsonNode x : data.get("drift")) {
            hostawayDrift = x.get("source").asText().equals("hostaway") ? x : hostawayDrift;
        }
        assertThat(hostawayDrift).isNotNull();
        assertThat(hostawayDrift.get("lastValue").asText()).isEqualTo("7");
        // read by the poll and, depending on which came first, by the webhook's sync too: counted per read
        String driftCount = hostawayDrift.get("count").asText();
        assertThat(hostawayDrift.get("count").asInt()).isBetween(1, 2);
        JsonNode smoobu = null;
        JsonNode guesty = null;
        for (JsonNode a : data.get("accounts")) {
            smoobu = a.get("accountId").asText().equals("smoobu-1") ? a : smoobu;
            guesty = a.get("accountId").asText().equals("guesty-1") ? a : guesty;
        }
        assertThat(smoobu.get("health").asText()).isEqualTo("DOWN");

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.viewport(WIDTH, 1000);
            browser.navigate("http://127.0.0.1:" + apiPort + "/status#token=" + TestRuntime.TOKEN);
            awaitRendered(browser);
            assertThat(browser.evaluate("document.getElementById('node').textContent").asText()).isEqualTo(NODE);
            assertThat(browser.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth").asBoolean())
                    .as("nothing runs off the page at " + WIDTH + " px").isTrue();
            assertThat(browser.evaluate("(b => b.scrollWidth <= b.clientWidth)(document.getElementById('accounts-box'))").asBoolean())
                    .as("the accounts table fits the page at " + WIDTH + " px, without scrolling").isTrue();

            // the DOWN account's reason: in a labelled column, whole, wrapped inside its cell, on the page
            JsonNode reason = browser.evaluate(cell("accounts", "smoobu-1", "reason (when DOWN)"));
            assertThat(reason.get("text").asText()).isEqualTo(smoobu.get("reason").asText()).contains("refuses the account's credentials");
            assertNotClipped(reason);

            // a quiet account: when its newest message was written, not a bare lag
            JsonNode newest = browser.evaluate(cell("accounts", "guesty-1", "newest message"));
            String at = guesty.get("newestMessageAt").asText().replace('T', ' ').replaceFirst("(\\.\\d+)?Z$", " UTC");
            assertThat(newest.get("text").asText()).startsWith("no new messages since " + at + " (").matches(".* \\(\\d+ (s|min|h|d) ago\\)");

            // the coverage matrix scrolls sideways in its own box, which stays on the page
            JsonNode box = browser.evaluate("(() => { const b = document.getElementById('coverage-box'); b.scrollLeft = 100;"
                    + " return {overflow: getComputedStyle(b).overflowX, scrollWidth: b.scrollWidth, clientWidth: b.clientWidth,"
                    + " scrolled: b.scrollLeft, right: b.getBoundingClientRect().right, page: document.documentElement.clientWidth}; })()");
            assertThat(box.get("overflow").asText()).isEqualTo("auto");
            assertThat(box.get("scrollWidth").asInt()).as("the matrix is wider than its box").isGreaterThan(box.get("clientWidth").asInt());
            assertThat(box.get("scrolled").asInt()).as("and scrolls in it").isEqualTo(100);
            assertThat(box.get("right").asDouble()).isLessThanOrEqualTo(box.get("page").asDouble());
            browser.evaluate("document.getElementById('coverage-box').scrollLeft = 0");

            // the payload drift, one row per (source, account, field, kind) with its count and the value the PMS sent
            assertThat(texts(browser.evaluate(row("drift", "hostaway")))).containsExactly("hostaway", "hostaway-1",
                    "messages.senderType", "unknownValue", driftCount, "7");
            assertThat(browser.evaluate("getComputedStyle(document.getElementById('no-drift')).display").asText()).isEqualTo("none");

            // the FAILED send, with the PMS's reason
            JsonNode failedReason = browser.evaluate(cell("failed", failed.get("id").asText(), "reason"));
            assertThat(failedReason.get("text").asText()).isEqualTo(failed.get("error").asText()).contains("HTTP 422");
            assertNotClipped(failedReason);
            assertThat(texts(browser.evaluate(row("failed", failed.get("id").asText())))).startsWith(failed.get("id").asText(), "hostaway-1",
                    fixtureThread("hostaway"));
            assertThat(texts(browser.evaluate(headersAndCells("outbox")))).containsExactly("pending", "sending", "sent", "failed",
                    "0", "0", "0", "1");
            assertThat(texts(browser.evaluate(headersAndCells("webhooks")))).containsExactly("received", "covered", "processing", "done",
                    "failed", "0", "0", "0", "2", "0");
            assertThat(browser.evaluate("document.documentElement.outerHTML + location.href").asText()).doesNotContain(TestRuntime.TOKEN);

            Path png = Path.of("target", "status-page.png").toAbsolutePath();
            Files.deleteIfExists(png);
            browser.screenshot(png, WIDTH);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(WIDTH);
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 7) {
                for (int x = 0; x < image.getWidth(); x += 7) {
                    colours.add(image.getRGB(x, y));
                }
            }
            assertThat(colours.size()).as("a rendered page, not a blank one").isGreaterThan(20);
        }
    }

    @Test
    void aLimitedTokenSeesOnlyItsAccountOnThePage() throws Exception {
        start();
        failedSend("guesty", "/send-message"); // another account's failure: not for this token
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.viewport(WIDTH, 1000);
            browser.navigate("http://127.0.0.1:" + apiPort + "/status#token=" + TestRuntime.SCOPED_TOKEN);
            awaitRendered(browser);
            assertThat(texts(browser.evaluate("[...document.querySelectorAll('#accounts tbody tr')].map(r => r.cells[0].textContent)")))
                    .containsExactly("hostaway-1");
            assertThat(browser.evaluate("document.getElementById('error').textContent").asText()).isEmpty();
            String scope = browser.evaluate("document.getElementById('scope').innerText").asText();
            assertThat(scope).startsWith("This token is limited to the accounts hostaway-1:");
            String page = browser.evaluate("document.body.innerText").asText();
            assertThat(page).doesNotContain("dead letters need", "token for all", "guesty-1");
            assertThat(texts(browser.evaluate(headersAndCells("outbox")))).endsWith("0", "0", "0", "0");
            assertThat(browser.evaluate("document.getElementById('no-failed').innerText").asText()).isEqualTo("None.");
        }
    }

    /** The page has read /v2/status once (it then says when). */
    private static void awaitRendered(HeadlessChromium browser) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> browser.evaluate("document.getElementById('updated').textContent").asText().startsWith("Updated "));
    }

    /**
     * JavaScript measuring one cell of a table: the cell in the column headed {@code header}, of the row whose first
     * cell is {@code first}; its text, its widths, and the page's.
     */
    private static String cell(String table, String first, String header) {
        return "(() => { const t = document.getElementById('" + table + "');"
                + " const col = [...t.tHead.rows[0].cells].findIndex(th => th.textContent === '" + header + "');"
                + " const row = [...t.tBodies[0].rows].find(r => r.cells[0].textContent === '" + first + "');"
                + " const td = row.cells[col]; const box = td.getBoundingClientRect();"
                + " return {column: col, text: td.textContent, scrollWidth: td.scrollWidth, clientWidth: td.clientWidth,"
                + " left: box.left, right: box.right, page: document.documentElement.clientWidth}; })()";
    }

    /** The texts of the cells of the table's row whose first cell is {@code first}. */
    private static String row(String table, String first) {
        return "[...[...document.getElementById('" + table + "').tBodies[0].rows].find(r => r.cells[0].textContent === '" + first
                + "').cells].map(c => c.textContent)";
    }

    /** The header texts then the cell texts of a table. */
    private static String headersAndCells(String table) {
        return "[...document.querySelectorAll('#" + table + " th, #" + table + " td')].map(c => c.textContent)";
    }

    /** A measured cell shows all of its text: it is in its column, its text fits its width, and it is on the page. */
    private static void assertNotClipped(JsonNode cell) {
        assertThat(cell.get("column").asInt()).as("a labelled column").isNotNegative();
        assertThat(cell.get("scrollWidth").asInt()).as(cell.toString()).isLessThanOrEqualTo(cell.get("clientWidth").asInt());
        assertThat(cell.get("left").asDouble()).as(cell.toString()).isNotNegative();
        assertThat(cell.get("right").asDouble()).as(cell.toString()).isLessThanOrEqualTo(cell.get("page").asDouble());
    }
}

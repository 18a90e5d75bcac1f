package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.OpenApi;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The status page served by the runtime, in a real headless Chromium (Debian's, installed by scripts/ensure-chromium.sh
 * in the test set-up): it loads /v2/status with the token from the URL fragment and shows every account, the sink and
 * the coverage matrix. The screenshot is kept as target/status-page.png (a copy is docs/img/status-page.png).
 */
class StatusPageTest extends RuntimeTestSupport {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Override
    protected boolean withApi() {
        return true;
    }

    @Test
    void theStatusApiNeedsAnOperatorTokenAndShowsAccountsSinksAndCoverage() {
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        ApiClient.Answer a = api.get("/v2/status", TestRuntime.TOKEN);
        assertThat(OpenApi.problems("GET", "/v2/status", a.status(), a.json())).as(a.text()).isEmpty();
        assertThat(a.status()).isEqualTo(200);
        JsonNode data = a.json().get("data");
        assertThat(data.get("accounts")).hasSize(SOURCES.size());
        data.get("accounts").forEach(acc -> {
            assertThat(acc.get("health").asText()).as(acc.toString()).isEqualTo("UP");
            assertThat(acc.get("conversations").asInt()).as(acc.toString()).isEqualTo(events(acc.get("accountId").asText()).size());
        });
        assertThat(data.at("/sinks/0/name").asText()).isEqualTo("files");
        assertThat(data.at("/coverage/0/0").asText()).isEqualTo("field");
        assertThat(data.get("coverage").size()).isGreaterThan(20);
        ApiClient.Answer scoped = api.get("/v2/status", TestRuntime.SCOPED_TOKEN);
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(OpenApi.problems("GET", "/v2/status", scoped.status(), scoped.json())).isEmpty();
        assertThat(api.get("/v2/status", null).status()).isEqualTo(401);
    }

    @Test
    void theStatusPageRendersInHeadlessChromium() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (scripts/ensure-chromium.sh installs it)").exists();
        awaitFirstPolls();
        String url = "http://127.0.0.1:" + apiPort + "/status#token=" + TestRuntime.TOKEN;
        String dom = chromium("--dump-dom", url);
        for (String source : SOURCES) {
            assertThat(dom).contains("<td>" + source + "-1</td>");
        }
        assertThat(dom).contains("<td class=\"UP\">UP</td>").doesNotContain("class=\"DOWN\"");
        assertThat(dom).contains("<td>files</td>", "<th>field</th>", "<th>Hostaway</th>", "messages.senderType", "<td class=\"ok\">✓</td>");
        assertThat(dom).doesNotContain(TestRuntime.TOKEN); // the token stays out of the page

        Path png = Path.of("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(png);
        chromium("--screenshot=" + png, "--window-size=1600,1300", url);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1600);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("a rendered page, not a blank one").isGreaterThan(20);
    }

    /** Runs headless Chromium with the arguments and returns what it printed (bounded: it exits by itself). */
    private static String chromium(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--no-first-run", "--disable-dev-shm-usage", "--virtual-time-budget=10000"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}

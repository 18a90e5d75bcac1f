package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.PmsSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code accounts …} on a configuration's store, without the API running: the same checks as /v2/accounts (the
 * simulated Hostaway refuses a wrong secret), credentials only by reference, and what it stores is what a node follows.
 */
class AccountsCommandTest {
    @TempDir
    Path dir;

    @Test
    void accountsAreAddedListedPausedAndRemovedOnTheStore() throws Exception {
        try (PmsSimulator sim = new PmsSimulator(0, 5)) {
            sim.source("hostaway").seed("ha-cli", 1, 1);
            String url = "jdbc:h2:file:" + dir.resolve("store").toString().replace('\\', '/');
            Path config = dir.resolve("pms.yaml");
            Files.writeString(config, "runtime:\n  store: { url: \"" + url + "\", encryptionKey: { value: \"cli-test-key-0123456789abcdef\" } }\n"
                    + "sinks:\n  - { name: files, type: file, directory: out }\n");
            Files.writeString(dir.resolve("secret.txt"), "hostaway-secret-ha-cli\n");
            Files.writeString(dir.resolve("wrong.txt"), "not-the-secret\n");
            String c = config.toString();
            String[] add = {"accounts", "add", "-c", c, "--id", "ha-cli", "--source", "hostaway", "--base-url", sim.baseUrl("hostaway"),
                "--credential", "clientId=file:id.txt", "--credential", "clientSecret=file:secret.txt", "--every", "5m", "--tag", "vip"};
            Files.writeString(dir.resolve("id.txt"), "ha-cli");

            CliTest.Result asValue = CliTest.run("accounts", "add", "-c", c, "--source", "hostaway", "--credential", "clientSecret=hostaway-secret-ha-cli");
            assertThat(asValue.code()).isEqualTo(2);
            assertThat(asValue.err()).contains("credentials.clientSecret", "env:NAME", "file:path").doesNotContain("hostaway-secret-ha-cli");

            String[] refused = add.clone();
            refused[13] = "clientSecret=file:wrong.txt";
            CliTest.Result no = CliTest.run(refused);
            assertThat(no.code()).as(no.err()).isEqualTo(1);
            assertThat(no.err()).contains("CREDENTIALS_REFUSED").doesNotContain("not-the-secret");

            CliTest.Result added = CliTest.run(add);
            assertThat(added.code()).as(added.err()).isZero();
            JsonNode a = Json.MAPPER.readTree(added.out());
            assertThat(a.get("id").asText()).isEqualTo("ha-cli");
            assertThat(a.at("/schedule/every").asText()).isEqualTo("5m");
            assertThat(added.out()).doesNotContain("hostaway-secret-ha-cli");

            JsonNode listed = Json.MAPPER.readTree(CliTest.run("accounts", "list", "-c", c, "--tag", "vip").out());
            assertThat(listed).extracting(x -> x.get("id").asText()).containsExactly("ha-cli");

            // the key rotated: the new key alone cannot open them; with the old one as previous, rekey moves them over
            String storeLine = "runtime:\n  store: { url: \"" + url + "\", encryptionKey: { value: \"cli-test-new-key-0123456789\" }";
            String sinksLine = " }\nsinks:\n  - { name: files, type: file, directory: out }\n";
            Path newOnly = Files.writeString(dir.resolve("new-only.yaml"), storeLine + sinksLine);
            Path both = Files.writeString(dir.resolve("both.yaml"), storeLine + ", previousEncryptionKeys: [ { value: \"cli-test-key-0123456789abcdef\" } ]"
                    + sinksLine);
            CliTest.Result locked = CliTest.run("accounts", "show", "-c", newOnly.toString(), "--id", "ha-cli");
            assertThat(locked.code()).isEqualTo(1);
            assertThat(locked.err()).contains("encrypted with key").doesNotContain("cli-test-key-0123456789abcdef");
            CliTest.Result rekey = CliTest.run("accounts", "rekey", "-c", both.toString());
            assertThat(rekey.code()).as(rekey.err()).isZero();
            assertThat(rekey.out()).contains("re-encrypted 1 account(s)");
            CliTest.Result opened = CliTest.run("accounts", "show", "-c", newOnly.toString(), "--id", "ha-cli");
            assertThat(opened.code()).as(opened.err()).isZero();
            c = newOnly.toString();

            // exported (credentials still encrypted, owner-only file) and imported into another store with the same key
            Path export = dir.resolve("accounts.json");
            CliTest.Result exported = CliTest.run("accounts", "export", "-c", c, "--file", export.toString());
            assertThat(exported.code()).as(exported.err()).isZero();
            assertThat(Files.readString(export)).contains("\"ha-cli\"").doesNotContain("hostaway-secret-ha-cli");
            assertThat(java.nio.file.Files.getPosixFilePermissions(export)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            String otherUrl = "jdbc:h2:file:" + dir.resolve("other").toString().replace('\\', '/');
            Path other = Files.writeString(dir.resolve("other.yaml"), "runtime:\n  store: { url: \"" + otherUrl
                    + "\", encryptionKey: { value: \"cli-test-new-key-0123456789\" }" + sinksLine);
            Path otherKey = Files.writeString(dir.resolve("other-key.yaml"), "runtime:\n  store: { url: \"" + otherUrl
                    + "\", encryptionKey: { value: \"some-other-key-0123456789\" }" + sinksLine);
            CliTest.Result wrongKey = CliTest.run("accounts", "import", "-c", otherKey.toString(), "--file", export.toString());
            assertThat(wrongKey.code()).as("a store without the key imports nothing").isEqualTo(1);
            assertThat(wrongKey.err()).contains("encrypted with key");
            CliTest.Result imported = CliTest.run("accounts", "import", "-c", other.toString(), "--file", export.toString());
            assertThat(imported.code()).as(imported.err()).isZero();
            assertThat(imported.out()).contains("imported 1 account(s): [ha-cli]");
            assertThat(CliTest.run("accounts", "show", "-c", other.toString(), "--id", "ha-cli").code()).isZero();
            assertThat(CliTest.run("accounts", "import", "-c", other.toString(), "--file", export.toString()).code())
                    .as("the id exists: refused without --replace").isEqualTo(1);

            CliTest.Result paused = CliTest.run("accounts", "pause", "-c", c, "--id", "ha-cli");
            assertThat(paused.code()).as(paused.err()).isZero();
            assertThat(Json.MAPPER.readTree(paused.out()).get("status").asText()).isEqualTo("PAUSED");

            CliTest.Result removed = CliTest.run("accounts", "remove", "-c", c, "--id", "ha-cli", "--purge");
            assertThat(removed.code()).as(removed.err()).isZero();
            CliTest.Result gone = CliTest.run("accounts", "show", "-c", c, "--id", "ha-cli");
            assertThat(gone.code()).isEqualTo(2);
            assertThat(gone.err()).contains("NOT_FOUND");
        }
    }
}

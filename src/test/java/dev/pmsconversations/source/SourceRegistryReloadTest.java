package dev.pmsconversations.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode: an edited mapping file takes effect at the next use; a broken edit keeps the last good version. */
class SourceRegistryReloadTest {
    @TempDir
    Path dir;

    @Test
    void editedMappingIsPickedUpAndABrokenEditIsIgnored() throws Exception {
        Path file = dir.resolve("hostaway.yaml");
        String original = Files.readString(Path.of("mappings/hostaway.yaml"));
        Files.writeString(file, original);
        SourceRegistry registry = SourceRegistry.load(dir, true);
        JsonNode bundle = Fixtures.of("hostaway").get(0).nativeBundle();
        assertThat(registry.get("hostaway").mapping().map(NativeBundle.fromJson(bundle)).propertyId()).isEqualTo("10450");

        Files.writeString(file, original.replace("propertyId: /listingMapId", "propertyId: /Reservation/listingMapId"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(registry.get("hostaway").mapping().map(NativeBundle.fromJson(bundle)).propertyId()).isEqualTo("40160");

        Files.writeString(file, original.replace("propertyId: /listingMapId", "propertyId: listingMapId"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(registry.get("hostaway").mapping().map(NativeBundle.fromJson(bundle)).propertyId()).isEqualTo("40160");
    }
}

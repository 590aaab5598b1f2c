package io.mqttload.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

/**
 * README.md's reference tables are what the description says: each table between its markers is the one
 * {@link Reference} writes. With {@code -Dmqttload.writeReference=true} ({@code make docs}) the test writes them
 * instead of comparing.
 */
class ReferenceTest {
    private static final Path README = Paths.get(System.getProperty("user.dir")).resolve("README.md");

    @Test
    void readmeTablesAreTheDescriptions() throws IOException {
        String text = new String(Files.readAllBytes(README), StandardCharsets.UTF_8);
        String updated = text;
        for (String[] table : Reference.tables()) {
            String begin = Reference.begin(table[0]);
            String end = Reference.end(table[0]);
            int a = updated.indexOf(begin);
            int b = updated.indexOf(end);
            assertTrue(a >= 0 && b > a, "README.md has no '" + begin + "' ... '" + end + "'");
            updated = updated.substring(0, a + begin.length()) + "\n" + table[1] + updated.substring(b);
        }
        if (Boolean.getBoolean("mqttload.writeReference")) {
            Files.write(README, updated.getBytes(StandardCharsets.UTF_8));
            return;
        }
        assertEquals(updated, text, "README.md's reference tables are stale: run `make docs`");
    }
}

package io.mqttload.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The docs' reference tables (README.md and docs/, each table in one file) are what the description says: each
 * table between its markers is the one {@link Reference} writes. With {@code -Dmqttload.writeReference=true}
 * ({@code make docs}) the test writes them instead of comparing.
 */
class ReferenceTest {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir"));

    private static List<Path> docs() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
            files.addAll(walk.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList()));
        }
        return files;
    }

    @Test
    void docsTablesAreTheDescriptions() throws IOException {
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path p : docs()) {
            texts.put(p, new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
        }
        Map<Path, String> updated = new LinkedHashMap<>(texts);
        for (String[] table : Reference.tables()) {
            String begin = Reference.begin(table[0]);
            String end = Reference.end(table[0]);
            List<Path> holders = updated.keySet().stream().filter(p -> updated.get(p).contains(begin))
                    .collect(Collectors.toList());
            assertEquals(1, holders.size(), "'" + begin + "' should be in one file of README.md and docs/: " + holders);
            Path file = holders.get(0);
            String text = updated.get(file);
            int a = text.indexOf(begin);
            int b = text.indexOf(end);
            assertTrue(a >= 0 && b > a, ROOT.relativize(file) + " has no '" + end + "' after '" + begin + "'");
            updated.put(file, text.substring(0, a + begin.length()) + "\n" + table[1] + text.substring(b));
        }
        for (Map.Entry<Path, String> e : updated.entrySet()) {
            if (Boolean.getBoolean("mqttload.writeReference")) {
                if (!e.getValue().equals(texts.get(e.getKey()))) {
                    Files.write(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
                }
            } else {
                assertEquals(e.getValue(), texts.get(e.getKey()),
                        ROOT.relativize(e.getKey()) + "'s reference tables are stale: run `make docs`");
            }
        }
    }
}

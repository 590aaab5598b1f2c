package io.mqttload.migrate;

import java.nio.file.Path;

/** Where the GUI writes a converted plan: beside the original, {@code <name>-mqttload.jmx}. */
public final class SideBySide {
    private SideBySide() {
    }

    public static Path target(Path original) {
        String name = original.getFileName().toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".jmx") ? name.substring(0, name.length() - 4)
                : name;
        return original.resolveSibling(base + "-mqttload.jmx");
    }
}

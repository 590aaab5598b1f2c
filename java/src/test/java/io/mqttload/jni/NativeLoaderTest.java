package io.mqttload.jni;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLoaderTest {
    @Test
    void platformNames() {
        assertEquals("linux-x86_64", NativeLoader.platform("Linux", "amd64"));
        assertEquals("linux-x86_64", NativeLoader.platform("Linux", "x86_64"));
        assertEquals("linux-aarch64", NativeLoader.platform("Linux", "aarch64"));
        assertEquals("macos-aarch64", NativeLoader.platform("Mac OS X", "aarch64"));
        assertEquals("macos-x86_64", NativeLoader.platform("Mac OS X", "x86_64"));
        assertEquals("windows-x86_64", NativeLoader.platform("Windows 11", "amd64"));
        assertEquals("windows-aarch64", NativeLoader.platform("Windows 10", "arm64"));
        assertEquals("freebsd-x86_64", NativeLoader.platform("FreeBSD", "amd64"));
    }

    @Test
    void resourcePaths() {
        assertEquals("/native/linux-x86_64/libmqttload.so", NativeLoader.resourcePath("linux-x86_64"));
        assertEquals("/native/macos-aarch64/libmqttload.dylib", NativeLoader.resourcePath("macos-aarch64"));
        assertEquals("/native/windows-x86_64/mqttload.dll", NativeLoader.resourcePath("windows-x86_64"));
    }

    @Test
    void missingMessageNamesPlatformSupportedOnesAndTheFix() {
        String m = NativeLoader.missingMessage("linux-aarch64", "mqttload-jmeter-1.0.jar",
                Arrays.asList("linux-x86_64", "macos-aarch64"));
        assertTrue(m.startsWith("mqttload: no native library for linux-aarch64 in mqttload-jmeter-1.0.jar"), m);
        assertTrue(m.contains("/native/linux-aarch64/libmqttload.so"), m);
        assertTrue(m.contains("supported: linux-x86_64, macos-aarch64;"), m);
        assertTrue(m.contains("see docs/platforms.md"), m);
        assertTrue(m.contains("make build"), m);
        assertTrue(NativeLoader.missingMessage("x-y", "j.jar", Arrays.asList()).contains("supported: none;"));
    }

    @Test
    void libraryPathNamesTheFileFound(@TempDir Path dir) throws IOException {
        Path lib = Files.createFile(dir.resolve("libmqttload.so"));
        String path = "/nonexistent" + File.pathSeparator + dir;
        assertEquals(lib.toFile().getAbsolutePath(), NativeLoader.onLibraryPath(path, "linux-x86_64"));
        assertEquals("java.library.path (/nonexistent)", NativeLoader.onLibraryPath("/nonexistent", "linux-x86_64"));
    }

    @Test
    void supportedListsOnlyPlatformsInTheJar() {
        for (String p : NativeLoader.supported()) {
            assertNotNull(NativeLoader.class.getResource(NativeLoader.resourcePath(p)), p);
        }
    }
}

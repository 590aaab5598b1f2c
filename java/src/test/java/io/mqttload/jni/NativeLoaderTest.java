package io.mqttload.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
    void missingMessageNamesPlatformAndBuildCommand() {
        String m = NativeLoader.missingMessage("linux-aarch64");
        assertTrue(m.contains("linux-aarch64"), m);
        assertTrue(m.contains("make build"), m);
        assertTrue(m.contains("/native/linux-aarch64/libmqttload.so"), m);
    }
}

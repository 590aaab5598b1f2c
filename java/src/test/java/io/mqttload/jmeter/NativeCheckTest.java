package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NativeCheckTest {
    @Test
    void ourMessagesPassUnchangedOthersAreIntroduced() {
        assertEquals("mqttload: no native library for x", NativeCheck.messageOf(new UnsatisfiedLinkError(
                "mqttload: no native library for x")));
        assertEquals("mqttload: the native engine cannot be used: libc.so.7: not found",
                NativeCheck.messageOf(new UnsatisfiedLinkError("libc.so.7: not found")));
        assertEquals("mqttload: the native engine cannot be used: java.lang.UnsatisfiedLinkError",
                NativeCheck.messageOf(new UnsatisfiedLinkError()));
    }
}

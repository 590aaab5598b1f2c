package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockPropertiesTest {
    @Test
    void theClockIsSetUpOncePerTestWhateverTheConnectElements() {
        assertTrue(ClockProperties.firstOfTest(1_700_000_000_000L));
        assertFalse(ClockProperties.firstOfTest(1_700_000_000_000L));
        assertTrue(ClockProperties.firstOfTest(1_700_000_100_000L));
    }

    @Test
    void noSkewUnlessATestAsksForOne() {
        assertEquals(0, ClockProperties.testSkewMs());
    }
}

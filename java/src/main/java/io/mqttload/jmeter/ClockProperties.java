package io.mqttload.jmeter;

import org.apache.jmeter.util.JMeterUtils;

/** The JMeter properties of the clock probes between engines (the Connect element's clock offsets). */
final class ClockProperties {
    /**
     * JMeter property, TEST ONLY: shifts this engine's clock by that many milliseconds (either way), as seen by every
     * timestamp the engine writes and reads, so a test can check that the clock probes find the shift. 0 by default.
     */
    static final String TEST_SKEW_PROPERTY = "mqttload.clock.test_skew_ms";

    /** The test (its start time) the clock probes were last set up for: once per test, whatever the Connect elements. */
    private static long setUpFor = Long.MIN_VALUE;

    private ClockProperties() {
    }

    /** True the first time it is asked for the test that started at {@code testStart}. */
    static synchronized boolean firstOfTest(long testStart) {
        if (setUpFor == testStart) {
            return false;
        }
        setUpFor = testStart;
        return true;
    }

    /** The test-only skew, ms; 0 when unset, not a whole number, or JMeter's properties are not loaded. */
    static long testSkewMs() {
        try {
            String v = JMeterUtils.getPropDefault(TEST_SKEW_PROPERTY, "0").trim();
            return v.isEmpty() ? 0 : Long.parseLong(v);
        } catch (RuntimeException e) { // not a number, or JMeter's properties not loaded (outside JMeter)
            if (e instanceof NumberFormatException) {
                Log.warn("mqttload: " + TEST_SKEW_PROPERTY + " is not a whole number of milliseconds; ignored");
            }
            return 0;
        }
    }
}

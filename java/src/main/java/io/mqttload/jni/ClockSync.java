package io.mqttload.jni;

/**
 * The engine's clock probes between JMeter engines (clock offsets, distributed runs): they start with a Connect
 * sample that asks for them; these calls end them with the test and set the test-only skew.
 */
public final class ClockSync {
    private ClockSync() {
    }

    /**
     * A test run starts: the previous run's probes end, and the engine's clock is shifted by {@code testSkewMs}
     * (test only: 0 in a real run), as seen by every timestamp it writes and reads.
     */
    public static void newTestRun(long testSkewMs) {
        NativeLib.ensureInit();
        nativeNewTestRun(testSkewMs);
    }

    /** The test has ended: the probes end (what they measured stays for the last samples). */
    public static void endTestRun() {
        NativeLib.ensureInit();
        nativeEndTestRun();
    }

    private static native void nativeNewTestRun(long testSkewMs);

    private static native void nativeEndTestRun();
}

package io.mqttload.jmeter;

import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.util.JMeterUtils;

/**
 * Whether the native engine can be used, tried once per JVM. A test whose engine cannot load says so once, with
 * one ERROR naming the platform and the fix, and stops at its first sample, rather than every Connect failing
 * and every Publish/Subscribe asking for a Connect sampler.
 */
final class NativeCheck {
    private static volatile boolean checked;
    private static volatile String failure;
    private static long reportedForTest = Long.MIN_VALUE;

    private NativeCheck() {
    }

    /** Null when the engine is loaded and started, else why not, as one sentence. */
    static String failure() {
        if (!checked) {
            synchronized (NativeCheck.class) {
                if (!checked) {
                    failure = tryLoad();
                    checked = true;
                }
            }
        }
        return failure;
    }

    /** Why the engine cannot be used, when a check has already found out (never loads anything). */
    static String knownFailure() {
        return checked ? failure : null;
    }

    private static String tryLoad() {
        try {
            EngineStart.start();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return messageOf(e);
        }
    }

    static String messageOf(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isEmpty()) {
            return "mqttload: the native engine cannot be used: " + t;
        }
        return m.startsWith("mqttload") ? m : "mqttload: the native engine cannot be used: " + m;
    }

    /**
     * For a sampler's testStarted: when the engine cannot load, says so once per test run (an ERROR in
     * jmeter.log, and on the console or in a dialog). The samples then fail with the same message and stop the
     * test ({@link #STOPS}), so the results show the failure rather than an empty, error-free run. True when
     * the engine is usable.
     */
    static boolean atTestStart() {
        String why = failure();
        if (why == null) {
            return true;
        }
        long test = JMeterContextService.getTestStartTime();
        boolean first;
        synchronized (NativeCheck.class) {
            first = test != reportedForTest;
            reportedForTest = test;
        }
        if (first) {
            JMeterUtils.reportErrorToUser(why + STOPS, "mqttload");
        }
        return false;
    }

    /** Said after the reason: what happens next. */
    static final String STOPS = " (the test stops at its first MQTT sample)";
}

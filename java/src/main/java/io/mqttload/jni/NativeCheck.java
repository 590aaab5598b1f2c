package io.mqttload.jni;

import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.util.JMeterUtils;

/**
 * Whether the native engine can be used, tried once per JVM. A test whose engine cannot load stops at its start
 * with one ERROR naming the platform and the fix, rather than every sample failing on its own.
 */
public final class NativeCheck {
    private static volatile boolean checked;
    private static volatile String failure;
    private static long reportedForTest = Long.MIN_VALUE;

    private NativeCheck() {
    }

    /** Null when the engine is loaded and started, else why not, as one sentence. */
    public static String failure() {
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
    public static String knownFailure() {
        return checked ? failure : null;
    }

    private static String tryLoad() {
        try {
            Class.forName("io.mqttload.jni.NativeLib", true, NativeCheck.class.getClassLoader());
            return null;
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return messageOf(cause);
        } catch (LinkageError | ClassNotFoundException e) {
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
     * jmeter.log, on the console or in a dialog) and asks JMeter to stop the test. True when the engine is usable.
     */
    public static boolean atTestStart() {
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
            JMeterUtils.reportErrorToUser(why + " (test stopped)", "mqttload");
            StandardJMeterEngine.stopEngine();
        }
        return false;
    }
}

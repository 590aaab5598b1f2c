package io.mqttload.jmeter;

import java.nio.charset.StandardCharsets;

import org.apache.jmeter.samplers.SampleResult;

import io.mqttload.contract.Figures;
import io.mqttload.jni.Outcome;

/** Fills a JMeter SampleResult from an {@link Outcome} or from a failure found on the Java side. */
public final class Results {
    private static final int MAX_US = Figures.index("maxUs");
    private static final int MEAN_US = Figures.index("meanUs");
    private static final int MESSAGES = Figures.index("messages");
    private static final int ANSWERED = Figures.index("rspAnswered");
    private static final int UNANSWERABLE = Figures.index("rspUnanswerable");

    public static final String OK = "200";
    public static final String NO_CONNECTION = "500";
    public static final String FAILED = "501";
    public static final String EXCEPTION = "502";

    public static final String NO_CONNECTION_MESSAGE = "No MQTT connection: add an MQTT Connect sampler before this"
            + " one in the same thread (or name a test-wide connection)";

    private Results() {
    }

    /** Milliseconds from nanoseconds, rounded, never negative. */
    public static long millis(long nanos) {
        return Math.max(0L, Math.round(nanos / 1e6));
    }

    /** Copies an outcome into the result; start = wall-clock millis when the sample began. */
    public static void fill(SampleResult r, long startMillis, Outcome o) {
        stamp(r, startMillis, millis(o.elapsedNanos));
        copy(r, o);
    }

    /**
     * A Subscribe outcome: its response time is how late its messages arrived, not how long it waited.
     * Elapsed = the batch's highest end-to-end latency (ms), JMeter latency = its mean (so latency <=
     * elapsed, as JMeter expects), idle time = the rest of the wait. The sample then covers the last part
     * of the wait, ending when the wait ended, so timeStamp + elapsed is still the moment it returned.
     * Without a measured latency (no payload carried a timestamp, or nothing arrived) the wait is the
     * elapsed time. This makes the dashboard's response times, percentiles and Apdex about delivery,
     * not about the sample condition the plan chose.
     */
    public static void fillSubscribe(SampleResult r, long startMillis, Outcome o) {
        long waited = millis(o.elapsedNanos);
        long maxMicros = o.stat(MAX_US);
        if (maxMicros < 0) {
            stamp(r, startMillis, waited);
        } else {
            // Not capped at the wait: a message that sat in a broker's queue longer than that is that late.
            long elapsed = Math.round(maxMicros / 1000.0);
            stamp(r, startMillis + waited - elapsed, elapsed);
            r.setIdleTime(Math.max(0L, waited - elapsed));
        }
        copy(r, o);
        countsNothing(r, o, o.stat(MESSAGES));
    }

    /** A Responder sample: as {@link #fill}, an interval that answered nothing counting no message. */
    public static void fillResponder(SampleResult r, long startMillis, Outcome o) {
        fill(r, startMillis, o);
        countsNothing(r, o, Math.max(0L, o.stat(ANSWERED)) + Math.max(0L, o.stat(UNANSWERABLE)));
    }

    /**
     * A successful batch of no message counts 0 (the engine says 1, the least JMeter's own arithmetic needs), so
     * that the sum of SampleCount is the messages that came; a failed one keeps 1 for its error.
     */
    private static void countsNothing(SampleResult r, Outcome o, long messages) {
        if (o.success && messages == 0) {
            r.setSampleCount(0);
        }
    }

    private static void copy(SampleResult r, Outcome o) {
        r.setSuccessful(o.success);
        r.setResponseCode(o.responseCode == null ? (o.success ? OK : EXCEPTION) : o.responseCode);
        String message = o.responseMessage == null ? "" : o.responseMessage;
        r.setResponseMessage(message);
        r.setSampleCount((int) Math.max(1L, Math.min(Integer.MAX_VALUE, o.sampleCount)));
        // JMeter 5.6 derives the error count from success (setErrorCount is a no-op); kept for other versions
        r.setErrorCount(o.success ? 0 : (int) Math.max(1L, Math.min(Integer.MAX_VALUE, o.errorCount)));
        long bytes = Math.max(0L, o.bytes);
        r.setBodySize(bytes);
        r.setBytes(bytes);
        long mean = o.stat(MEAN_US);
        if (mean >= 0) {
            r.setLatency(Math.round(mean / 1000.0));
        }
        byte[] data = o.responseData != null ? o.responseData : message.getBytes(StandardCharsets.UTF_8);
        setText(r, data);
    }

    /** A failed sample found before (or instead of) a native call. */
    public static void fail(SampleResult r, long startMillis, long startNanos, String code, String message) {
        stamp(r, startMillis, millis(System.nanoTime() - startNanos));
        r.setSuccessful(false);
        r.setResponseCode(code);
        String m = message == null ? "" : message;
        r.setResponseMessage(m);
        r.setSampleCount(1);
        r.setErrorCount(1);
        setText(r, m.getBytes(StandardCharsets.UTF_8));
    }

    /** A successful sample that did no native work (e.g. a reused connection). */
    public static void ok(SampleResult r, long startMillis, long startNanos, String message) {
        stamp(r, startMillis, millis(System.nanoTime() - startNanos));
        r.setSuccessful(true);
        r.setResponseCode(OK);
        r.setResponseMessage(message);
        r.setSampleCount(1);
        r.setErrorCount(0);
        setText(r, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Start and elapsed time. JMeter's setStampAndTime takes the end time as stamp unless
     * sampleresult.timestamp.start=true, so the stamp given is chosen to make start = startMillis either way.
     */
    static void stamp(SampleResult r, long startMillis, long elapsedMillis) {
        r.setStampAndTime(r.isStampedAtStart() ? startMillis : startMillis + elapsedMillis, elapsedMillis);
    }

    private static void setText(SampleResult r, byte[] data) {
        r.setResponseData(data);
        r.setDataType(SampleResult.TEXT);
        r.setDataEncoding(StandardCharsets.UTF_8.name());
    }

    /** A readable message for any throwable, unwrapping class-initialisation wrappers. */
    public static String messageOf(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExceptionInInitializerError || c.getMessage() == null) && c.getCause() != null
                && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isEmpty() ? c.getClass().getName() : m;
    }
}

package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.apache.jmeter.samplers.SampleResult;
import org.junit.jupiter.api.Test;

import io.mqttload.contract.Figures;
import io.mqttload.jni.Outcome;

class ResultsTest {
    private static long[] stats(long... first) {
        long[] s = new long[Figures.count()];
        java.util.Arrays.fill(s, -1);
        System.arraycopy(first, 0, s, 0, first.length);
        return s;
    }

    @Test
    void fillSuccess() {
        SampleResult r = new SampleResult();
        Outcome o = new Outcome(true, "200", "Received 25 of message.", 1_500_000L, 25, 0, 2500,
                stats(25, 12_345), "payloads".getBytes(StandardCharsets.UTF_8));
        Results.fill(r, 1_000_000L, o);
        assertTrue(r.isSuccessful());
        assertEquals("200", r.getResponseCode());
        assertEquals("Received 25 of message.", r.getResponseMessage());
        assertEquals(1_000_000L, r.getStartTime());
        assertEquals(1_000_002L, r.getEndTime());
        assertEquals(2, r.getTime());
        assertEquals(25, r.getSampleCount());
        assertEquals(0, r.getErrorCount());
        assertEquals(2500, r.getBytesAsLong());
        assertEquals(2500, r.getBodySizeAsLong());
        assertEquals(12, r.getLatency());
        assertEquals("payloads", r.getResponseDataAsString());
        assertEquals(SampleResult.TEXT, r.getDataType());
    }

    /** stats with mean and max latency in microseconds. */
    private static long[] latency(long messages, long meanMicros, long maxMicros) {
        long[] s = stats(messages, meanMicros);
        s[Figures.index("maxUs")] = maxMicros;
        return s;
    }

    @Test
    void subscribeResponseTimeIsTheBatchsHighestLatency() {
        SampleResult r = new SampleResult();
        // waited 1 s (a time window) for 100 messages that were 3.2 ms late on average, 7.6 ms at worst
        Outcome o = new Outcome(true, "200", "Received 100 of message.", 1_000_000_000L, 100, 0, 100,
                latency(100, 3_200, 7_600), null);
        Results.fillSubscribe(r, 50_000L, o);
        assertEquals(8, r.getTime());
        assertEquals(3, r.getLatency());
        assertEquals(992, r.getIdleTime());
        assertEquals(51_000L, r.getEndTime(), "the sample still ends when the wait did");
        assertEquals(50_992L, r.getStartTime());
    }

    @Test
    void subscribeResponseTimeIsTheWaitWithoutLatency() {
        SampleResult r = new SampleResult();
        Outcome o = new Outcome(true, "200", "Received 0 of message.", 1_000_000_000L, 0, 0, 0, stats(0), null);
        Results.fillSubscribe(r, 50_000L, o);
        assertEquals(1000, r.getTime());
        assertEquals(0, r.getIdleTime());
        assertEquals(50_000L, r.getStartTime());
        assertEquals(0, r.getSampleCount(), "an empty batch counts no message");
    }

    @Test
    void aFailedEmptyBatchKeepsOneSampleForItsError() {
        SampleResult r = new SampleResult();
        Results.fillSubscribe(r, 50_000L, new Outcome(false, "501", "Received 0 of message. Timed out", 0, 0, 1, 0,
                stats(0), null));
        assertEquals(1, r.getSampleCount());
        assertEquals(1, r.getErrorCount());
    }

    @Test
    void aResponderIntervalThatAnsweredNothingCountsNothing() {
        long[] none = stats();
        none[Figures.index("rspAnswered")] = 0;
        none[Figures.index("rspUnanswerable")] = 0;
        SampleResult r = new SampleResult();
        Results.fillResponder(r, 5L, new Outcome(true, "200", "Answered 0", 0, 1, 0, 0, none, null));
        assertEquals(0, r.getSampleCount());
        long[] some = stats();
        some[Figures.index("rspAnswered")] = 3;
        some[Figures.index("rspUnanswerable")] = 1;
        SampleResult answered = new SampleResult();
        Results.fillResponder(answered, 5L, new Outcome(true, "200", "Answered 3", 0, 4, 0, 0, some, null));
        assertEquals(4, answered.getSampleCount());
    }

    @Test
    void subscribeResponseTimeMayExceedTheWaitForAQueuedMessage() {
        SampleResult r = new SampleResult();
        // a message that sat 5 s in the broker's queue arrived within a 1 s wait
        Outcome o = new Outcome(true, "200", "Received 1 of message.", 1_000_000_000L, 1, 0, 10,
                latency(1, 5_000_000, 5_000_000), null);
        Results.fillSubscribe(r, 50_000L, o);
        assertEquals(5000, r.getTime());
        assertEquals(5000, r.getLatency());
        assertEquals(0, r.getIdleTime());
        assertEquals(51_000L, r.getEndTime());
    }

    @Test
    void fillFailureWithoutData() {
        SampleResult r = new SampleResult();
        Outcome o = new Outcome(false, "501", "Connection refused: not authorized (5)", -5, 1, 0, 0, stats(), null);
        Results.fill(r, 5L, o);
        assertFalse(r.isSuccessful());
        assertEquals("501", r.getResponseCode());
        assertEquals(0, r.getTime());
        assertEquals(1, r.getErrorCount());
        assertEquals(1, r.getSampleCount());
        assertEquals(0, r.getLatency());
        assertEquals("Connection refused: not authorized (5)", r.getResponseDataAsString());
    }

    @Test
    void countsWhenFailed() {
        SampleResult r = new SampleResult();
        Results.fill(r, 5L, new Outcome(false, "501", "3 of 10 not acknowledged", 0, 10, 3, 0, stats(), null));
        assertEquals(1, r.getErrorCount()); // JMeter 5.6: 0 or 1 by success
        assertEquals(10, r.getSampleCount());
    }

    @Test
    void failHelper() {
        SampleResult r = new SampleResult();
        Results.fail(r, 100L, System.nanoTime(), "500", "no conn");
        assertFalse(r.isSuccessful());
        assertEquals("500", r.getResponseCode());
        assertEquals("no conn", r.getResponseMessage());
        assertEquals(100L, r.getStartTime());
        assertEquals(1, r.getErrorCount());
    }

    @Test
    void millisRounding() {
        assertEquals(0, Results.millis(-1));
        assertEquals(0, Results.millis(499_999));
        assertEquals(1, Results.millis(500_000));
        assertEquals(1234, Results.millis(1_234_000_000L));
        assertEquals(1, Results.millis(1_499_999L));
    }

    @Test
    void messageOfUnwrapsInitializerErrors() {
        Throwable t = new ExceptionInInitializerError(new UnsatisfiedLinkError("no lib for linux-aarch64"));
        assertEquals("no lib for linux-aarch64", Results.messageOf(t));
        assertEquals("java.lang.IllegalStateException", Results.messageOf(new IllegalStateException()));
    }
}

package io.mqttload.jni;

import java.util.Arrays;

/** Result of one native operation; created by the native side with the constructor below. */
public final class Outcome {
    /** Number of entries in {@link #stats}. */
    public static final int STATS_LENGTH = 19;
    public static final int STAT_MESSAGES = 0;
    public static final int STAT_MEAN_US = 1;
    public static final int STAT_P50_US = 2;
    public static final int STAT_P90_US = 3;
    public static final int STAT_P99_US = 4;
    public static final int STAT_MAX_US = 5;
    public static final int STAT_LOST = 6;
    public static final int STAT_DUPLICATES = 7;
    public static final int STAT_OUT_OF_ORDER = 8;
    public static final int STAT_MIN_US = 9;
    /** Sent by known publishers after the last message received from each (running). */
    public static final int STAT_PENDING = 10;
    /** Missing now: in gaps plus pending (running; the last sample's value is the final loss). */
    public static final int STAT_LOST_TOTAL = 11;
    public static final int STAT_DUPLICATES_TOTAL = 12;
    /** Publish: messages sent (written at QoS 0, acknowledged at QoS 1/2). */
    public static final int STAT_PUB_SENT = 13;
    /** Publish: messages the sample meant to send (paced: its schedule's count). */
    public static final int STAT_PUB_INTENDED = 14;
    /** Publish, paced: how late the schedule ran (hand-off to the connection - intended send time), µs. */
    public static final int STAT_PUB_LAG_P50_US = 15;
    public static final int STAT_PUB_LAG_P99_US = 16;
    public static final int STAT_PUB_LAG_MAX_US = 17;
    /** Publish: messages sent per second, times 1,000. */
    public static final int STAT_PUB_RATE_MILLI = 18;

    public final boolean success;
    public final String responseCode;
    public final String responseMessage;
    public final long elapsedNanos;
    public final long sampleCount;
    public final long errorCount;
    public final long bytes;
    /** Length {@link #STATS_LENGTH}, -1 = not available; see the STAT_ constants. */
    public final long[] stats;
    /** May be null. */
    public final byte[] responseData;
    /** Subscribe: {@code <publisher id>:<missing>} pairs separated by spaces; null when nothing is missing. */
    public final String shortfall;

    // JNI signature: (ZLjava/lang/String;Ljava/lang/String;JJJJ[J[B)V
    public Outcome(boolean success, String responseCode, String responseMessage,
                   long elapsedNanos, long sampleCount, long errorCount, long bytes,
                   long[] stats, byte[] responseData) {
        this(success, responseCode, responseMessage, elapsedNanos, sampleCount, errorCount, bytes, stats,
                responseData, null);
    }

    /** As above, with what a subscription misses from which publisher (the native side's constructor). */
    public Outcome(boolean success, String responseCode, String responseMessage,
                   long elapsedNanos, long sampleCount, long errorCount, long bytes,
                   long[] stats, byte[] responseData, String shortfall) {
        this.shortfall = shortfall;
        this.success = success;
        this.responseCode = responseCode;
        this.responseMessage = responseMessage;
        this.elapsedNanos = elapsedNanos;
        this.sampleCount = sampleCount;
        this.errorCount = errorCount;
        this.bytes = bytes;
        this.stats = stats;
        this.responseData = responseData;
    }

    /** stats[index], or -1 when absent. */
    public long stat(int index) {
        return stats != null && index >= 0 && index < stats.length ? stats[index] : -1;
    }

    @Override
    public String toString() {
        return "Outcome{success=" + success + ", code=" + responseCode + ", message=" + responseMessage
                + ", elapsedNanos=" + elapsedNanos + ", sampleCount=" + sampleCount + ", errorCount=" + errorCount
                + ", bytes=" + bytes + ", stats=" + Arrays.toString(stats)
                + ", responseData=" + (responseData == null ? "null" : responseData.length + " bytes") + "}";
    }
}

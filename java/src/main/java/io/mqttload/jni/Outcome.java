package io.mqttload.jni;

import java.util.Arrays;

import io.mqttload.contract.Figures;

/** Result of one native operation; created by the native side with the constructor below. */
public final class Outcome {
    public final boolean success;
    public final String responseCode;
    public final String responseMessage;
    public final long elapsedNanos;
    public final long sampleCount;
    public final long errorCount;
    public final long bytes;
    /** The figures, in the order of contract/results.json ({@link Figures}); -1 = not available. */
    public final long[] stats;
    /** May be null. */
    public final byte[] responseData;
    /** Subscribe: {@code <publisher id>:<missing>} pairs separated by spaces; null when nothing is missing. */
    public final String shortfall;

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

    /** The figure of that name ({@link Figures}), or -1 when absent. */
    public long figure(String name) {
        return stat(Figures.index(name));
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

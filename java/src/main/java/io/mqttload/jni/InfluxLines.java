package io.mqttload.jni;

/**
 * The engine's live figures as InfluxDB line protocol: the series of the Prometheus endpoint, a point each per
 * write. Making one switches the samplers' live figures on. Each writer keeps its own interval: a histogram's
 * quantiles are of the observations since that writer's previous write.
 */
public class InfluxLines extends NativeObject {
    protected InfluxLines(long handle) {
        super(handle);
    }

    /** A writer whose points carry the tag engine={@code engine}. */
    public static InfluxLines create(String engine) {
        NativeLib.ensureInit();
        return new InfluxLines(nativeCreate(engine));
    }

    /** Every series as a point at {@code atNanos} (epoch nanoseconds), one line each. */
    public String write(long atNanos) {
        return nativeWrite(handle(), atNanos);
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String engine);

    private static native String nativeWrite(long writer, long atNanos);

    private static native void nativeFree(long writer);
}

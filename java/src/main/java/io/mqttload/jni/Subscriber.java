package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/**
 * A Subscribe element's native side, from its settings document; bound to the group of its first
 * {@link #subscribe} call.
 */
public class Subscriber extends NativeObject {
    private volatile ConnectionGroup boundGroup;

    protected Subscriber(long handle) {
        super(handle);
    }

    public static Subscriber create(String settings, String name) {
        NativeLib.ensureInit();
        return new Subscriber(nativeCreate(settings, name));
    }

    /** The group of the first subscribe() call, or null before it. */
    public ConnectionGroup boundGroup() {
        return boundGroup;
    }

    /** True when this subscriber can be used with {@code group} (not yet bound, or bound to it). */
    public boolean usableWith(ConnectionGroup group) {
        ConnectionGroup b = boundGroup;
        return b == null || b == group;
    }

    /** Collects a batch; ends it early with what it has once {@code shutdownProbe} (may be null) answers true. */
    public Outcome subscribe(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        if (boundGroup == null) {
            boundGroup = group;
        }
        return nativeSubscribe(group.handle(), handle(), shutdownProbe);
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String settings, String name);

    private static native Outcome nativeSubscribe(long group, long subscriber, BooleanSupplier shutdownProbe);

    private static native void nativeFree(long subscriber);
}

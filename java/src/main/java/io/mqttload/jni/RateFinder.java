package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/**
 * A Rate Finder element's native side, from its settings document: the search across its samples (one step each)
 * and the subscriptions of its subscribing connections, on the group of its first {@link #step} call.
 */
public class RateFinder extends NativeObject {
    private volatile ConnectionGroup boundGroup;

    protected RateFinder(long handle) {
        super(handle);
    }

    public static RateFinder create(String settings, String name) {
        NativeLib.ensureInit();
        return new RateFinder(nativeCreate(settings, name));
    }

    /** True when this finder can be used with {@code group} (not yet bound, or bound to it). */
    public boolean usableWith(ConnectionGroup group) {
        ConnectionGroup b = boundGroup;
        return b == null || b == group;
    }

    /** Runs the search's next step; ends its schedule and drain once the probe (may be null) says so. */
    public Outcome step(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        if (boundGroup == null) {
            boundGroup = group;
        }
        return nativeStep(group.handle(), handle(), shutdownProbe);
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String settings, String name);

    private static native Outcome nativeStep(long group, long finder, BooleanSupplier shutdownProbe);

    private static native void nativeFree(long finder);
}

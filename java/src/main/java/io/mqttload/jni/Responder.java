package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/**
 * A Responder element's native side, from its settings document: once its first {@link #respond} call has
 * subscribed the group's connections, the engine answers their requests in the background until it is closed.
 */
public class Responder extends NativeObject {
    private volatile ConnectionGroup boundGroup;

    protected Responder(long handle) {
        super(handle);
    }

    public static Responder create(String settings, String name) {
        NativeLib.ensureInit();
        return new Responder(nativeCreate(settings, name));
    }

    /** True when this responder can be used with {@code group} (not yet bound, or bound to it). */
    public boolean usableWith(ConnectionGroup group) {
        ConnectionGroup b = boundGroup;
        return b == null || b == group;
    }

    /** What was answered since the previous call, after the sample's window (cut short once the probe says so). */
    public Outcome respond(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        if (boundGroup == null) {
            boundGroup = group;
        }
        return nativeRespond(group.handle(), handle(), shutdownProbe);
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String settings, String name);

    private static native Outcome nativeRespond(long group, long responder, BooleanSupplier shutdownProbe);

    private static native void nativeFree(long responder);
}

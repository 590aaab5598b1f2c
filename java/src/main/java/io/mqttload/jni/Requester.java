package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/**
 * A Request element's native side, from its settings document: its requests' correlation ids and the replies it
 * matches to them; its reply subscriptions are on the group of its first {@link #request} call.
 */
public class Requester extends NativeObject {
    private volatile ConnectionGroup boundGroup;

    protected Requester(long handle) {
        super(handle);
    }

    public static Requester create(String settings, String name) {
        NativeLib.ensureInit();
        return new Requester(nativeCreate(settings, name));
    }

    /** True when this requester can be used with {@code group} (not yet bound, or bound to it). */
    public boolean usableWith(ConnectionGroup group) {
        ConnectionGroup b = boundGroup;
        return b == null || b == group;
    }

    /** Sends a sample's requests and waits for their replies; ends the wait once the probe (may be null) says so. */
    public Outcome request(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        if (boundGroup == null) {
            boundGroup = group;
        }
        return nativeRequest(group.handle(), handle(), shutdownProbe);
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String settings, String name);

    private static native Outcome nativeRequest(long group, long requester, BooleanSupplier shutdownProbe);

    private static native void nativeFree(long requester);
}

package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/** A Publish element's native side, from its settings document. */
public class Publisher extends NativeObject {
    protected Publisher(long handle) {
        super(handle);
    }

    public static Publisher create(String settings, String name) {
        NativeLib.ensureInit();
        return new Publisher(nativeCreate(settings, name));
    }

    /** Publishes; stops waiting for acknowledgements once {@code shutdownProbe} (may be null) answers true. */
    public Outcome publish(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        return nativePublish(group.handle(), handle(), shutdownProbe);
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String settings, String name);

    private static native Outcome nativePublish(long group, long publisher, BooleanSupplier shutdownProbe);

    private static native void nativeFree(long publisher);
}

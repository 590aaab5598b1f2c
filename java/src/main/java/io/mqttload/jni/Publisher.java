package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/** A native publisher configuration (publishJson). */
public class Publisher extends NativeObject {
    private final String json;

    protected Publisher(long handle, String json) {
        super(handle);
        this.json = json;
    }

    public static Publisher create(String publishJson) {
        return new Publisher(NativeLib.publisherCreate(publishJson), publishJson);
    }

    public String json() {
        return json;
    }

    /** Publishes; stops waiting for acknowledgements once {@code shutdownProbe} (may be null) answers true. */
    public Outcome publish(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        return NativeLib.publish(group.handle(), handle(), shutdownProbe);
    }

    @Override
    protected void free(long handle) {
        NativeLib.publisherFree(handle);
    }
}

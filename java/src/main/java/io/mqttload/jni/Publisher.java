package io.mqttload.jni;

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

    public Outcome publish(ConnectionGroup group) {
        return NativeLib.publish(group.handle(), handle());
    }

    @Override
    protected void free(long handle) {
        NativeLib.publisherFree(handle);
    }
}

package io.mqttload.jni;

/** A native failure other than a bad setting (including a caught Rust panic). */
public class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NativeException(String message) {
        super(message);
    }
}

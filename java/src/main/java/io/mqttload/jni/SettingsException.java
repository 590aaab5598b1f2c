package io.mqttload.jni;

/**
 * The engine refused an element's settings: the message names the setting (its label and property key) and
 * why; {@link #responseCode()} is the code the element's sample fails with.
 */
public final class SettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String responseCode;

    /** Made by the engine (JNI signature {@code (Ljava/lang/String;Ljava/lang/String;)V}). */
    public SettingsException(String responseCode, String message) {
        super(message);
        this.responseCode = responseCode;
    }

    public String responseCode() {
        return responseCode;
    }
}

package io.mqttload.jmeter;

/** A property value that cannot be used; the message names the field and the value. */
public class BadSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_VALUE_CHARS = 80;

    private final String field;

    public BadSettingException(String field, String value, String reason) {
        super(field + ": " + reason + " (got '" + shorten(value) + "')");
        this.field = field;
    }

    /** For secret fields: the message never shows the value. */
    public BadSettingException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    /** The property key at fault. */
    public String field() {
        return field;
    }

    private static String shorten(String v) {
        if (v == null) {
            return "";
        }
        return v.length() <= MAX_VALUE_CHARS ? v : v.substring(0, MAX_VALUE_CHARS) + "...";
    }
}

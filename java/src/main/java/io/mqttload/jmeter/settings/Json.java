package io.mqttload.jmeter.settings;

/**
 * A tiny JSON object writer for the settings documents sent to the native side.
 * Keys keep insertion order; strings are escaped per RFC 8259 (control characters as escapes,
 * non-ASCII characters written as they are).
 */
public final class Json {
    private final StringBuilder sb = new StringBuilder("{");
    private boolean first = true;

    private Json() {
    }

    /** A new, empty object. */
    public static Json object() {
        return new Json();
    }

    private StringBuilder key(String key) {
        if (key == null) {
            throw new NullPointerException("JSON key");
        }
        if (!first) {
            sb.append(',');
        }
        first = false;
        quote(sb, key);
        return sb.append(':');
    }

    /** A string member; a null value is written as JSON null. */
    public Json put(String key, String value) {
        StringBuilder b = key(key);
        if (value == null) {
            b.append("null");
        } else {
            quote(b, value);
        }
        return this;
    }

    public Json put(String key, long value) {
        key(key).append(value);
        return this;
    }

    /** A finite number, written as Java prints it (e.g. 2.5, 1.0E7), which JSON reads. */
    public Json put(String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + ": not a finite number");
        }
        key(key).append(value);
        return this;
    }

    public Json put(String key, boolean value) {
        key(key).append(value);
        return this;
    }

    /** A nested object; a null value is written as JSON null. */
    public Json put(String key, Json value) {
        key(key).append(value == null ? "null" : value.toString());
        return this;
    }

    /** An array of [name, value] string pairs (MQTT 5.0 user properties): {@code [["n","v"],...]}. */
    public Json putPairs(String key, java.util.List<String[]> pairs) {
        StringBuilder b = key(key).append('[');
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String[] kv = pairs.get(i);
            b.append('[');
            quote(b, kv[0]);
            b.append(',');
            quote(b, kv[1]);
            b.append(']');
        }
        b.append(']');
        return this;
    }

    public Json putNull(String key) {
        key(key).append("null");
        return this;
    }

    /** The document. */
    @Override
    public String toString() {
        return sb.toString() + "}";
    }

    /** {@code s} as a JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        quote(b, s);
        return b.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static void quote(StringBuilder b, String s) {
        b.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\b':
                    b.append("\\b");
                    break;
                case '\f':
                    b.append("\\f");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        unicodeEscape(b, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i)); // a whole supplementary character, as is
                    } else if (Character.isSurrogate(c)) {
                        // a lone surrogate has no UTF-8 form: escaped, so that the engine can name the
                        // setting that holds it
                        unicodeEscape(b, c);
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    private static void unicodeEscape(StringBuilder b, char c) {
        b.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}

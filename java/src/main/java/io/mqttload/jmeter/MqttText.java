package io.mqttload.jmeter;

import java.util.Locale;

/**
 * What MQTT allows in its UTF-8 strings (topics, topic filters, client id, user name, content type, user
 * properties; MQTT 3.1.1 section 1.5.3, 5.0 section 1.5.4). U+0000 and surrogates are forbidden; control
 * characters and Unicode noncharacters "should not" be sent, and brokers such as Mosquitto close the
 * connection when they are, so a load test would see a dropped connection instead of its cause.
 */
final class MqttText {
    private MqttText() {
    }

    /** Index of the first surrogate that is not half of a pair, else -1. Such a string has no UTF-8 form. */
    static int loneSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Rejects a value that cannot be encoded as UTF-8 (any text property: payloads and passwords too). */
    static void requireEncodable(String key, String value) {
        int i = loneSurrogate(value);
        if (i >= 0) {
            // the value is not shown: it may be a secret, and it is not printable anyway
            throw new BadSettingException(key, "contains a lone UTF-16 surrogate (" + codePoint(value.charAt(i))
                    + ") at character " + (value.codePointCount(0, i) + 1) + ", which is not valid text");
        }
    }

    /**
     * Rejects what MQTT forbids or advises against in a UTF-8 string: U+0000, control characters (C0 and C1)
     * and noncharacters. {@code what} names the value in the message ("topic", "client id prefix").
     */
    static void requireMqttString(String key, String what, String value) {
        int i = 0;
        while (i < value.length()) {
            int cp = value.codePointAt(i);
            String name = cp == 0 ? "U+0000 (NUL)" : isControl(cp) ? "the control character " + codePoint(cp)
                    : isNoncharacter(cp) ? "the Unicode noncharacter " + codePoint(cp) : null;
            if (name != null) {
                String verdict = cp == 0 ? "does not allow"
                        : "advises against (brokers such as Mosquitto close the connection)";
                throw new BadSettingException(key, what + " '" + printable(value) + "' contains " + name
                        + " at character " + (value.codePointCount(0, i) + 1) + ", which MQTT " + verdict);
            }
            i += Character.charCount(cp);
        }
    }

    private static boolean isControl(int cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    }

    private static boolean isNoncharacter(int cp) {
        return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
    }

    /** {@code s} with control characters, noncharacters and lone surrogates written as \\uXXXX escapes. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (cp < 0x10000 && (isControl(cp) || isNoncharacter(cp) || Character.isSurrogate((char) cp))) {
                b.append(String.format(Locale.ROOT, "\\u%04X", cp));
            } else {
                b.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /**
     * {@code s} without leading and trailing spaces, tabs and line breaks. Unlike {@link String#trim()} it keeps
     * U+0000 and other control characters, so that they are reported instead of silently dropped.
     */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b';
    }

    private static String codePoint(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }
}

package io.mqttload.jmeter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Typed, validated access to a {@link PropertySource}; bad values give {@link BadSettingException}. */
final class Props {
    private final PropertySource src;

    Props(PropertySource src) {
        this.src = src;
    }

    /** The raw value, or null when absent; a value with no UTF-8 form is refused here, naming its key. */
    String raw(String key) {
        String v = src.get(key);
        if (v != null) {
            MqttText.requireEncodable(key, v);
        }
        return v;
    }

    /** Free text: absent -> default; present (even empty) -> as is. */
    String text(String key, String def) {
        String v = raw(key);
        return v == null ? def : v;
    }

    /** Trimmed value; absent or blank -> default. */
    String trimmed(String key, String def) {
        String v = raw(key);
        if (v == null || v.trim().isEmpty()) {
            return def;
        }
        return v.trim();
    }

    /** The first of the keys that holds a non-blank value, else the first key (for messages). */
    String firstSet(String... keys) {
        for (String k : keys) {
            if (trimmed(k, null) != null) {
                return k;
            }
        }
        return keys[0];
    }

    int integer(String key, int def, int min, int max) {
        return (int) longInteger(key, def, min, max);
    }

    /**
     * As {@link #integer}, but only an absent key means the default (old plans that never had it); a key that
     * is present and blank, such as a field emptied in the GUI, is refused instead of silently becoming the
     * default. {@code what} names the value in the message ("a port").
     */
    int presentInteger(String key, int def, int min, int max, String what) {
        String v = raw(key);
        if (v != null && v.trim().isEmpty()) {
            throw new BadSettingException(key, "is empty; give " + what + " " + range(min, max));
        }
        return integer(key, def, min, max);
    }

    /** A whole number in min..max (absent or blank -> default). */
    long longInteger(String key, long def, long min, long max) {
        String v = trimmed(key, null);
        if (v == null) {
            return def;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadSettingException(key, v, "not a whole number");
        }
        if (n < min || n > max) {
            throw new BadSettingException(key, v, "must be " + range(min, max));
        }
        return n;
    }

    /** A decimal number in min..max (absent or blank -> default), e.g. a rate of 2.5 per second. */
    double decimal(String key, double def, double min, double max) {
        String v = trimmed(key, null);
        if (v == null) {
            return def;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new BadSettingException(key, v, "not a number");
        }
        if (!(d >= min && d <= max)) {
            throw new BadSettingException(key, v, "must be between " + plain(min) + " and " + plain(max));
        }
        return d;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String range(long min, long max) {
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "at least " + min;
        }
        return "between " + min + " and " + max;
    }

    /**
     * User properties: one {@code name=value} per line; lines are trimmed, blank lines skipped, each line split at
     * its first '=' (name and value kept as written, so spaces around '=' belong to them; either may be
     * empty, the value may contain '='). A line without '=', or a name or value that MQTT does not allow
     * ({@link MqttText#requireMqttString}) -> {@link BadSettingException} naming the key. Absent -> empty list.
     */
    List<String[]> userProperties(String key) {
        return parseUserProperties(key, raw(key));
    }

    static List<String[]> parseUserProperties(String key, String text) {
        List<String[]> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = MqttText.strip(lines[i]);
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new BadSettingException(key, line,
                        "line " + (i + 1) + " is not name=value");
            }
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            MqttText.requireMqttString(key, "user property name", name);
            MqttText.requireMqttString(key, "user property value", value);
            out.add(new String[] {name, value});
        }
        return out;
    }

    boolean bool(String key, boolean def) {
        String v = trimmed(key, null);
        if (v == null) {
            return def;
        }
        if ("true".equalsIgnoreCase(v)) {
            return true;
        }
        if ("false".equalsIgnoreCase(v)) {
            return false;
        }
        throw new BadSettingException(key, v, "must be true or false");
    }

    int qos(String key) {
        String v = trimmed(key, null);
        if (v == null) {
            return 0;
        }
        int q;
        try {
            q = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadSettingException(key, v, "QoS must be 0, 1 or 2");
        }
        if (q < 0 || q > 2) {
            throw new BadSettingException(key, v, "QoS must be 0, 1 or 2");
        }
        return q;
    }

    /** One of {@code allowed} (case-insensitive), returned in its canonical spelling. */
    String choice(String key, String def, String... allowed) {
        String v = trimmed(key, null);
        if (v == null) {
            return def;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        throw new BadSettingException(key, v, "must be one of " + String.join(", ", allowed));
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

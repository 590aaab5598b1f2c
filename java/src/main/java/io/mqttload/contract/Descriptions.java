package io.mqttload.contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Loading the contract's JSON resources and reading their fields. */
final class Descriptions {
    private Descriptions() {
    }

    /** Where the build puts contract/*.json in the jar. */
    static final String DIR = "/io/mqttload/contract/";

    static Map<String, Object> load(String name) {
        try (InputStream in = Descriptions.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("mqttload: " + DIR + name + " is missing from the plugin jar");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return map(JsonReader.parse(new String(out.toByteArray(), StandardCharsets.UTF_8)), name);
        } catch (IOException e) {
            throw new IllegalStateException("mqttload: cannot read " + DIR + name + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalStateException("mqttload description: " + what + " is not an object");
        }
        return (Map<String, Object>) o;
    }

    static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new IllegalStateException("mqttload description: \"" + key + "\" missing in " + m.keySet());
        }
        return (String) v;
    }

    static String optString(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        return v instanceof String ? (String) v : dflt;
    }

    static int optInt(Map<String, Object> m, String key, int dflt) {
        Object v = m.get(key);
        return v instanceof Number ? ((Number) v).intValue() : dflt;
    }

    static boolean optBool(Map<String, Object> m, String key, boolean dflt) {
        Object v = m.get(key);
        return v instanceof Boolean ? (Boolean) v : dflt;
    }

    /** A list of strings (numbers and booleans written as text); empty when absent. */
    static List<String> strings(Object raw) {
        List<String> out = new ArrayList<>();
        if (raw instanceof List) {
            for (Object o : (List<?>) raw) {
                out.add(String.valueOf(o));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A list of objects, each made by {@code make}; empty when absent. */
    static <T> List<T> list(Object raw, Function<Map<String, Object>, T> make) {
        List<T> out = new ArrayList<>();
        if (raw instanceof List) {
            for (Object o : (List<?>) raw) {
                out.add(make.apply(map(o, "a list item")));
            }
        }
        return Collections.unmodifiableList(out);
    }
}

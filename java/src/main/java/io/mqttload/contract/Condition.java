package io.mqttload.contract;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A test on another setting of the same element: its value is one of some, none of some, or not blank. */
public final class Condition {
    public final String key;
    private final List<String> in;
    private final List<String> notIn;
    private final boolean set;
    /** For a requirement: why the setting needs it ("needs MQTT 5.0"); "" otherwise. */
    public final String why;

    private Condition(String key, List<String> in, List<String> notIn, boolean set, String why) {
        this.key = key;
        this.in = in;
        this.notIn = notIn;
        this.set = set;
        this.why = why;
    }

    static Condition of(Map<String, Object> m) {
        return new Condition(Descriptions.string(m, "key"), Descriptions.strings(m.get("in")),
                Descriptions.strings(m.get("notIn")), Boolean.TRUE.equals(m.get("set")),
                Descriptions.optString(m, "why", ""));
    }

    static List<Condition> list(Object raw) {
        return Descriptions.list(raw, Condition::of);
    }

    /** Whether {@code value} (a setting's value as text) passes; compared without regard to case. */
    public boolean holds(String value) {
        String v = value == null ? "" : value.trim();
        if (set) {
            return !v.isEmpty();
        }
        if (!in.isEmpty()) {
            return in.stream().anyMatch(x -> x.equalsIgnoreCase(v));
        }
        return notIn.stream().noneMatch(x -> x.equalsIgnoreCase(v));
    }

    /** True for "the other setting is not blank". */
    public boolean isSetTest() {
        return set;
    }

    /** The values that pass ({@code in}), for docs; empty for the other kinds. */
    public List<String> values() {
        return Collections.unmodifiableList(in);
    }

    /** "Protocol is SSL or WSS", for docs and tooltips. */
    public String describe(String otherLabel) {
        if (set) {
            return otherLabel + " is set";
        }
        if (!in.isEmpty()) {
            return otherLabel + " is " + String.join(" or ", in);
        }
        return otherLabel + " is not " + String.join(" or ", notIn);
    }

    @Override
    public String toString() {
        return key + (set ? " set" : !in.isEmpty() ? " in " + in : " not in " + notIn).toLowerCase(Locale.ROOT);
    }
}

package io.mqttload.contract;

import java.util.List;
import java.util.Map;

/** One of a choice setting's values: what is saved, what the GUI shows, other spellings, and what it means. */
public final class Choice {
    public final String value;
    /** What the GUI shows; the value when the description gives no label. */
    public final String label;
    public final List<String> aliases;
    /** One line on what this choice does ("" when the setting's tooltip says it all). */
    public final String note;

    private Choice(String value, String label, List<String> aliases, String note) {
        this.value = value;
        this.label = label;
        this.aliases = aliases;
        this.note = note;
    }

    static Choice of(Map<String, Object> m) {
        String value = Descriptions.string(m, "value");
        return new Choice(value, Descriptions.optString(m, "label", value), Descriptions.strings(m.get("aliases")),
                Descriptions.optString(m, "note", ""));
    }

    /** True for the value, its label or an alias (without regard to case). */
    public boolean names(String text) {
        String t = text == null ? "" : text.trim();
        return value.equalsIgnoreCase(t) || label.equalsIgnoreCase(t)
                || aliases.stream().anyMatch(a -> a.equalsIgnoreCase(t));
    }
}

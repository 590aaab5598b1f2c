package io.mqttload.contract;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One setting as one element has it (the description's entry with that element's overrides applied). */
public final class Setting {
    public final String element;
    /** The JMeter property key. */
    public final String key;
    /** The engine's name for it: the key of the document the element sends. */
    public final String id;
    /** text, secret, path, int, decimal, bool, choice or pairs. */
    public final String type;
    /** String, Long, Double, Boolean, or null (not set: the engine decides). */
    public final Object dflt;
    public final String label;
    public final String unit;
    public final String tip;
    /** How docs and tooltips show the default ("" = from the value). */
    public final String defaultText;
    public final boolean xmeter;
    /** Older keys still read for it (XMeter's misspellings). */
    public final List<String> aliases;
    public final List<Choice> choices;
    /** Range of an int or decimal (null where none); {@code above} is an exclusive lower bound. */
    public final Number min;
    public final Number above;
    public final Number max;
    public final String blank;
    public final List<Condition> usedWhen;
    public final List<Condition> requires;
    public final String badSettingCode;
    public final Gui gui;

    Setting(String element, Map<String, Object> m, String elementCode) {
        this.element = element;
        key = Descriptions.string(m, "key");
        id = Descriptions.string(m, "id");
        type = Descriptions.string(m, "type");
        if (!m.containsKey("default")) {
            throw new IllegalStateException("mqttload description: " + key + " has no default");
        }
        dflt = m.get("default");
        label = Descriptions.string(m, "label");
        unit = Descriptions.optString(m, "unit", "");
        tip = Descriptions.optString(m, "tip", "");
        defaultText = Descriptions.optString(m, "defaultText", "");
        xmeter = Descriptions.optBool(m, "xmeter", false);
        aliases = Descriptions.strings(m.get("aliases"));
        choices = Descriptions.list(m.get("choices"), Choice::of);
        min = (Number) m.get("min");
        above = (Number) m.get("above");
        max = (Number) m.get("max");
        blank = Descriptions.optString(m, "blank", "");
        usedWhen = Condition.list(m.get("usedWhen"));
        requires = Condition.list(m.get("requires"));
        badSettingCode = Descriptions.optString(m, "badSettingCode", elementCode);
        gui = Gui.of(m.get("gui"));
    }

    public boolean isSecret() {
        return "secret".equals(type);
    }

    public boolean isPath() {
        return "path".equals(type);
    }

    public boolean isBool() {
        return "bool".equals(type);
    }

    /** The default as a property holds it: "" for none, "true", "1883", "1". */
    public String defaultValue() {
        if (dflt == null) {
            return "";
        }
        if (dflt instanceof Double) {
            return new BigDecimal(dflt.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(dflt);
    }

    /** What a new element's field holds. */
    public String initialValue() {
        return gui.initial != null ? gui.initial : defaultValue();
    }

    /**
     * What the field shows for a plan without the property: what the engine does then. {@code other} reads another
     * property of the element (null when it is not there either).
     */
    public String absentValue(Function<String, String> other) {
        if (gui.absent != null) {
            return Boolean.parseBoolean(other.apply(gui.absent.from)) ? gui.absent.whenTrue : gui.absent.whenFalse;
        }
        return dflt != null ? defaultValue() : initialValue();
    }

    /** What a new element's check box holds. */
    public boolean initialBool() {
        return gui.initial != null ? Boolean.parseBoolean(gui.initial) : defaultBool();
    }

    public boolean defaultBool() {
        return Boolean.TRUE.equals(dflt);
    }

    /** How the default is shown to a user ("empty" for an empty one). */
    public String defaultShown() {
        if (!defaultText.isEmpty()) {
            return defaultText;
        }
        String v = defaultValue();
        return v.isEmpty() ? "empty" : v;
    }

    /** The field's label in the GUI: the label, its unit, a colon. */
    public String guiLabel() {
        return label + (unit.isEmpty() ? "" : " (" + unit + ")") + ":";
    }

    /** The choice that {@code text} names, or null. */
    public Choice choice(String text) {
        for (Choice c : choices) {
            if (c.names(text)) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return element + "/" + key;
    }
}

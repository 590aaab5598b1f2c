package io.mqttload.contract;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** How a setting's field looks and behaves in an element's GUI. */
public final class Gui {
    /** Text field width, in columns (0 = the widget's own). */
    public final int columns;
    /** The field takes the row's spare width. */
    public final boolean grow;
    /** Lines of a multi-line text field (0 = one line). */
    public final int rows;
    /** "combo" for a drop-down over a number or true/false; "" = the type's usual widget. */
    public final String widget;
    public final boolean editable;
    /** A combo's items, when not the choices'. */
    public final List<String> items;
    /** The widest text a combo must fit ("" = its longest item). */
    public final String widest;
    /** A short note beside the field ("-1 = forever"). */
    public final String note;
    /**
     * What a new element's field holds, when not the default (null = the default). The default stays what a plan
     * that leaves the property out gets (older plans, XMeter's), so a new element measures while old plans keep
     * their behaviour.
     */
    public final String initial;
    /** What the field shows for a plan without the property, when another property decides it (else the default). */
    public final Absent absent;
    /** Whether a value equal to the default is written at all. */
    public final boolean saveDefault;
    /** A path field that chooses a folder. */
    public final boolean folder;
    /** The field spans its row without a label (the panel's title says what it is). */
    public final boolean hideLabel;
    /** Not shown: the element writes it from this other setting (XMeter's compatibility switch). */
    public final String mirrorOf;
    /** For a mirror: the other setting's values that make it false. */
    public final List<String> falseWhen;
    /** The label follows another setting's value. */
    public final List<LabelWhen> labelWhen;
    /** Enabled only when these hold (on top of the setting's own conditions). */
    public final List<Condition> enabledWhen;
    /** A note under a choice says what the chosen value does. */
    public final boolean choiceNote;

    private Gui(Map<String, Object> m) {
        columns = Descriptions.optInt(m, "columns", 0);
        grow = Descriptions.optBool(m, "grow", false);
        rows = Descriptions.optInt(m, "rows", 0);
        widget = Descriptions.optString(m, "widget", "");
        editable = Descriptions.optBool(m, "editable", false);
        items = Descriptions.strings(m.get("items"));
        widest = Descriptions.optString(m, "widest", "");
        note = Descriptions.optString(m, "note", "");
        initial = Descriptions.optString(m, "initial", null);
        absent = m.containsKey("absent") ? new Absent(Descriptions.map(m.get("absent"), "absent")) : null;
        saveDefault = Descriptions.optBool(m, "saveDefault", true);
        folder = Descriptions.optBool(m, "folder", false);
        hideLabel = Descriptions.optBool(m, "hideLabel", false);
        mirrorOf = Descriptions.optString(m, "mirrorOf", "");
        falseWhen = Descriptions.strings(m.get("falseWhen"));
        labelWhen = Descriptions.list(m.get("labelWhen"), LabelWhen::new);
        enabledWhen = Condition.list(m.get("enabledWhen"));
        choiceNote = Descriptions.optBool(m, "choiceNote", false);
    }

    static Gui of(Object raw) {
        return new Gui(raw == null ? Collections.<String, Object>emptyMap() : Descriptions.map(raw, "gui"));
    }

    /** A missing property read from another, true/false one (XMeter's switch for what replaced it). */
    public static final class Absent {
        public final String from;
        public final String whenTrue;
        public final String whenFalse;

        Absent(Map<String, Object> m) {
            from = Descriptions.string(m, "from");
            whenTrue = Descriptions.string(m, "true");
            whenFalse = Descriptions.string(m, "false");
        }
    }

    /** A label shown while another setting has one of some values. */
    public static final class LabelWhen {
        public final Condition when;
        public final String label;

        LabelWhen(Map<String, Object> m) {
            when = Condition.of(m);
            label = Descriptions.string(m, "label");
        }
    }
}

package io.mqttload.jmeter.gui;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JPasswordField;
import javax.swing.JTextField;
import javax.swing.text.JTextComponent;

import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.testelement.property.NullProperty;

import io.mqttload.contract.Choice;
import io.mqttload.contract.Setting;
import io.mqttload.jmeter.MqttSampler;

/**
 * A setting's field, made from its description: the widget the user edits, what the layout places (the widget,
 * or it with a Browse button or a note), and how a value moves between the widget and the element's property.
 */
final class SettingWidget {
    final Setting setting;
    /** The text component, combo box or check box. */
    final JComponent input;
    /** What the layout places: {@link #input}, or a panel holding it. */
    final JComponent placed;
    /** A check box that says whether the setting is used at all (unticked saves it empty), or null. */
    JCheckBox onOff;

    private SettingWidget(Setting setting, JComponent input, JComponent placed) {
        this.setting = setting;
        this.input = input;
        this.placed = placed;
    }

    static SettingWidget of(Setting s) {
        JComponent input = input(s);
        Help.apply(input, Help.tip(s));
        JComponent placed = input;
        if (s.isPath()) {
            placed = s.gui.folder ? Form.folderField((JTextField) input, MqttSampler::planDir)
                    : Form.fileField((JTextField) input, MqttSampler::planDir);
        }
        if (!s.gui.note.isEmpty()) {
            placed = Form.withNote(placed, s.gui.note);
        }
        return new SettingWidget(s, input, placed);
    }

    private static JComponent input(Setting s) {
        int columns = s.gui.columns > 0 ? s.gui.columns : 10;
        JComponent c;
        if (s.isBool() && !"combo".equals(s.gui.widget)) {
            c = Form.check(s.label);
        } else if (!s.choices.isEmpty() || "combo".equals(s.gui.widget)) {
            String[] items = items(s);
            String widest = s.gui.widest;
            if (widest.isEmpty()) {
                for (String i : items) {
                    widest = i.length() > widest.length() ? i : widest;
                }
            }
            c = Form.combo(s.gui.editable, widest, items);
        } else if (s.isSecret()) {
            c = new JPasswordField(columns);
        } else if (s.gui.rows > 0) {
            c = Form.area(s.gui.rows, columns);
        } else {
            c = Form.text(columns);
        }
        return s.gui.grow ? Form.grow(c) : c;
    }

    private static String[] items(Setting s) {
        if (!s.gui.items.isEmpty()) {
            return s.gui.items.toArray(new String[0]);
        }
        if (s.isBool()) {
            return new String[] {"true", "false"};
        }
        return s.choices.stream().map(c -> c.label).toArray(String[]::new);
    }

    boolean isCheckBox() {
        return input instanceof JCheckBox;
    }

    /** A combo holding a ${variable}: it could become anything. */
    boolean isVariable() {
        return input instanceof JComboBox && Form.variable(combo());
    }

    @SuppressWarnings("unchecked")
    private JComboBox<String> combo() {
        return (JComboBox<String>) input;
    }

    /** The value as the element would save it. */
    String value() {
        if (input instanceof JCheckBox) {
            return Boolean.toString(((JCheckBox) input).isSelected());
        }
        if (input instanceof JComboBox) {
            String shown = Form.value(combo());
            Choice c = setting.choice(shown);
            // a label stands for its value ("2 - never" is saved as 2); anything else as typed
            return c != null && c.label.equals(shown) && !c.label.equals(c.value) ? c.value : shown;
        }
        if (input instanceof JPasswordField) {
            return new String(((JPasswordField) input).getPassword());
        }
        return ((JTextComponent) input).getText();
    }

    /** The value as the engine would read it (a choice in its canonical spelling), for conditions. */
    String meaning() {
        String v = value();
        Choice c = setting.choice(v);
        return c != null ? c.value : v;
    }

    private void show(String v) {
        if (input instanceof JComboBox) {
            Choice c = setting.choice(v);
            Form.select(combo(), c != null && c.value.equals(v == null ? "" : v.trim()) ? c.label : v);
        } else {
            ((JTextComponent) input).setText(v);
        }
    }

    void load(TestElement e) {
        if (isCheckBox()) {
            ((JCheckBox) input).setSelected(e.getPropertyAsBoolean(setting.key, setting.defaultBool()));
            return;
        }
        String v = stored(e, setting.key);
        for (int i = 0; v == null && i < setting.aliases.size(); i++) {
            v = stored(e, setting.aliases.get(i));
        }
        v = v == null ? setting.absentValue(key -> stored(e, key)) : v;
        show(v);
        if (onOff != null) {
            onOff.setSelected(!v.isEmpty());
        }
    }

    private static String stored(TestElement e, String key) {
        JMeterProperty p = e.getProperty(key);
        return p == null || p instanceof NullProperty ? null : p.getStringValue();
    }

    void store(TestElement e) {
        for (String alias : setting.aliases) {
            e.removeProperty(alias); // written under the current key from now on
        }
        if (isCheckBox()) {
            e.setProperty(setting.key, ((JCheckBox) input).isSelected());
            return;
        }
        String v = onOff != null && !onOff.isSelected() ? "" : value();
        if (!setting.gui.saveDefault && v.equals(setting.defaultValue())) {
            e.removeProperty(setting.key);
        } else {
            e.setProperty(setting.key, v);
        }
    }

    void reset() {
        if (isCheckBox()) {
            ((JCheckBox) input).setSelected(setting.initialBool());
        } else {
            show(setting.initialValue());
        }
        if (onOff != null) {
            onOff.setSelected(false);
        }
    }
}

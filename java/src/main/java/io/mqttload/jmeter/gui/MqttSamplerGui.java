package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTabbedPane;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.text.JTextComponent;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.samplers.gui.AbstractSamplerGui;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.contract.Choice;
import io.mqttload.contract.Condition;
import io.mqttload.contract.Description;
import io.mqttload.contract.ElementSpec;
import io.mqttload.contract.Gui;
import io.mqttload.contract.Layout;
import io.mqttload.contract.Setting;

/**
 * An MQTT element's GUI, made from the settings description: JMeter's title panel, then the element's panels
 * and tabs as the description lays them out, each field made from its setting (widget, label, tooltip, initial
 * value), fields disabled while their setting does not apply, and notes and labels that follow the choices.
 * The element GUIs only name their element and make a new one.
 */
abstract class MqttSamplerGui<E extends TestElement> extends AbstractSamplerGui {
    private static final long serialVersionUID = 1L;

    private final Class<E> type;
    /** Not state worth serialising: rebuilt with the GUI. */
    private final transient ElementSpec spec;
    private final transient Fields fields = new Fields();
    private final transient Map<String, SettingWidget> widgets = new LinkedHashMap<>();
    /** Notes and labels that follow other fields' values. */
    private final transient List<Runnable> followers = new ArrayList<>();
    private final transient Map<String, JCheckBox> switches = new HashMap<>();
    /** The note under each choice that says what the chosen value does. */
    private final transient Map<String, JLabel> choiceNotes = new HashMap<>();

    MqttSamplerGui(Class<E> type) {
        this.type = type;
        this.spec = Description.get().element(element());
        setLayout(new BorderLayout());
        setBorder(makeBorder());
        add(makeTitlePanel(), BorderLayout.NORTH);
        for (Setting s : spec.settings()) {
            if (s.gui.mirrorOf.isEmpty()) {
                widgets.put(s.key, SettingWidget.of(s));
            }
        }
        VerticalPanel main = new VerticalPanel();
        for (Layout.Panel p : spec.layout) {
            main.add(panel(p));
        }
        add(main, BorderLayout.CENTER);
        bind();
        listen();
        fields.reset();
        updateEnabled();
    }

    /** The element in the settings description ("connect", ...); a constant (asked for during construction). */
    protected abstract String element();

    /** A new, empty element of this GUI's kind. */
    protected abstract E newElement();

    /** In the description's order, which is the order a new element writes its properties in. */
    private void bind() {
        for (Setting s : spec.settings()) {
            SettingWidget w = widgets.get(s.key);
            if (w != null) {
                fields.add(s.key, w.input, w::load, w::store, w::reset);
            } else {
                SettingWidget of = widgets.get(s.gui.mirrorOf);
                fields.add(s.key, null, e -> { }, e -> e.setProperty(s.key, mirror(s.gui, of)), () -> { });
            }
        }
    }

    /** A setting the GUI writes from another: false while the other holds one of {@code falseWhen}. */
    private static boolean mirror(Gui gui, SettingWidget of) {
        String v = of == null ? "" : of.value().trim();
        return gui.falseWhen.stream().noneMatch(f -> f.equalsIgnoreCase(v));
    }

    private void listen() {
        for (SettingWidget w : widgets.values()) {
            if (w.input instanceof JComboBox) {
                ((JComboBox<?>) w.input).addActionListener(e -> updateEnabled());
            } else if (w.input instanceof JCheckBox) {
                ((JCheckBox) w.input).addItemListener(e -> updateEnabled());
            } else if (w.input instanceof JTextComponent && isGoverning(w.setting.key)) {
                ((JTextComponent) w.input).getDocument().addDocumentListener(new DocumentListener() {
                    @Override
                    public void insertUpdate(DocumentEvent e) {
                        updateEnabled();
                    }

                    @Override
                    public void removeUpdate(DocumentEvent e) {
                        updateEnabled();
                    }

                    @Override
                    public void changedUpdate(DocumentEvent e) {
                        updateEnabled();
                    }
                });
            }
        }
        switches.values().forEach(s -> s.addItemListener(e -> updateEnabled()));
    }

    /** Whether some condition tests this setting (a text field then updates the others as it is typed in). */
    private boolean isGoverning(String key) {
        for (SettingWidget w : widgets.values()) {
            for (Condition c : conditions(w.setting)) {
                if (c.key.equals(key) && !switches.containsKey(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Condition> conditions(Setting s) {
        List<Condition> all = new ArrayList<>(s.usedWhen);
        all.addAll(s.requires);
        all.addAll(s.gui.enabledWhen);
        return all;
    }

    private JComponent panel(Layout.Panel p) {
        if (p.tabs.isEmpty()) {
            return form(p);
        }
        JTabbedPane tabs = new JTabbedPane();
        for (Layout.Tab t : p.tabs) {
            JComponent content;
            if (t.panels.size() == 1) {
                content = form(t.panels.get(0));
            } else {
                VerticalPanel v = new VerticalPanel();
                t.panels.forEach(x -> v.add(form(x)));
                content = v;
            }
            tabs.addTab(t.title, top(content));
        }
        return tabs;
    }

    /** Keeps a tab's content at the top of the tab (the tallest tab sets the height of all). */
    private static JPanel top(JComponent content) {
        JPanel p = new JPanel(new BorderLayout());
        p.add(content, BorderLayout.NORTH);
        return p;
    }

    private Form form(Layout.Panel p) {
        Form f = p.title.isEmpty() ? new Form() : new Form(p.title);
        for (List<Layout.Item> row : p.rows) {
            if (row.size() == 1 && row.get(0).isNote()) {
                f.full(note(row.get(0)));
                continue;
            }
            List<Object> cells = new ArrayList<>();
            List<SettingWidget> choiceNotes = new ArrayList<>();
            for (Layout.Item item : row) {
                if (item.isNote()) {
                    cells.add(null);
                    cells.add(note(item));
                } else if (item.isSwitch) {
                    cells.add(null);
                    cells.add(onOff(item));
                } else {
                    SettingWidget w = widgets.get(item.key);
                    if (w == null) {
                        throw new IllegalStateException(spec.name + " lays out " + item.key + ", not its setting");
                    }
                    boolean unlabelled = w.isCheckBox() || w.setting.gui.hideLabel;
                    cells.add(unlabelled ? null : w.setting.guiLabel());
                    cells.add(w.placed);
                    if (w.setting.gui.choiceNote) {
                        choiceNotes.add(w);
                    }
                    labelFollows(w);
                }
            }
            if (onlyCheckBoxes(cells)) {
                // one cell, as a line: check boxes in the grid's columns would widen the fields above them
                List<JComponent> boxes = new ArrayList<>();
                for (int i = 1; i < cells.size(); i += 2) {
                    boxes.add((JComponent) cells.get(i));
                }
                f.row(null, Form.line(boxes.toArray(new JComponent[0])));
            } else {
                f.row(cells.toArray());
            }
            choiceNotes.forEach(w -> f.full(choiceNote(w)));
        }
        return f;
    }

    private static boolean onlyCheckBoxes(List<Object> cells) {
        if (cells.size() < 4) {
            return false;
        }
        for (int i = 0; i < cells.size(); i += 2) {
            if (cells.get(i) != null || !(cells.get(i + 1) instanceof JCheckBox)) {
                return false;
            }
        }
        return true;
    }

    private JLabel note(Layout.Item item) {
        JLabel l = Form.note(item.text);
        if (item.when != null) {
            followers.add(() -> l.setText(holds(item.when) ? item.text : item.otherwise));
        }
        return l;
    }

    /** A check box that says whether a text setting is used; unticked, the setting is saved empty. */
    private JCheckBox onOff(Layout.Item item) {
        JCheckBox c = Form.check(item.text);
        c.setToolTipText(Help.tip(item.tip, item.defaultText, item.key));
        switches.put(item.key, c);
        SettingWidget w = widgets.get(item.key);
        if (w != null) {
            w.onOff = c;
        }
        return c;
    }

    /** A line under a choice on what the chosen value does. */
    private JLabel choiceNote(SettingWidget w) {
        JLabel l = Form.note("");
        choiceNotes.put(w.setting.key, l);
        List<String> values = new ArrayList<>();
        w.setting.choices.forEach(c -> values.add(c.value));
        followers.add(() -> {
            if (w.isVariable()) {
                l.setText("Chosen at run time: " + String.join(", ", values) + " (the tooltip says what each is).");
                return;
            }
            String v = w.value().trim();
            Choice c = w.setting.choice(v);
            l.setText(c != null ? c.value + ": " + c.note
                    : "'" + v + "' is not one of " + String.join(", ", values) + ": the sample will fail.");
        });
        return l;
    }

    /** A label that follows another setting ("Elapsed time (ms):" or "Messages:"). */
    private void labelFollows(SettingWidget w) {
        if (w.setting.gui.labelWhen.isEmpty()) {
            return;
        }
        followers.add(() -> Form.label(w.input).ifPresent(l -> {
            String text = w.setting.guiLabel();
            for (Gui.LabelWhen lw : w.setting.gui.labelWhen) {
                SettingWidget other = widgets.get(lw.when.key);
                if (other != null && !other.isVariable() && lw.when.holds(other.meaning())) {
                    text = lw.label + ":";
                    break;
                }
            }
            l.setText(text);
        }));
    }

    /** Whether a condition on another field holds now; a ${variable} could become anything, so it holds. */
    private boolean holds(Condition c) {
        JCheckBox onOff = switches.get(c.key);
        if (onOff != null && c.isSetTest()) {
            return onOff.isSelected();
        }
        SettingWidget other = widgets.get(c.key);
        if (other == null || other.isVariable()) {
            return true;
        }
        return c.holds(other.meaning());
    }

    /** Enables the fields whose settings apply to the current choices, and refreshes the notes. */
    protected void updateEnabled() {
        for (SettingWidget w : widgets.values()) {
            boolean applies = true;
            for (Condition c : conditions(w.setting)) {
                applies &= holds(c);
            }
            Form.applies(applies, w.input);
        }
        followers.forEach(Runnable::run);
    }

    /** For tests: the note under a choice. */
    String choiceNoteText(String key) {
        return choiceNotes.get(key).getText();
    }

    /** The bound fields a user sees, in the order their properties are written. */
    List<Fields.Field> boundFields() {
        return fields.visible();
    }

    @Override
    public String getLabelResource() {
        // "MQTT Broker Statistics" -> "mqttload_broker_statistics_title"; not in JMeter's bundle: getStaticLabel()
        // gives the text.
        return "mqttload_" + getStaticLabel().substring("MQTT ".length()).toLowerCase(Locale.ROOT).replace(' ', '_')
                + "_title";
    }

    @Override
    public String getStaticLabel() {
        return Description.get().element(element()).label;
    }

    @Override
    public TestElement createTestElement() {
        TestElement element = newElement();
        modifyTestElement(element);
        return element;
    }

    @Override
    public void modifyTestElement(TestElement element) {
        configureTestElement(element);
        fields.store(type.cast(element));
    }

    @Override
    public void configure(TestElement element) {
        super.configure(element);
        fields.load(type.cast(element));
        updateEnabled();
    }

    @Override
    public void clearGui() {
        super.clearGui();
        fields.reset();
        updateEnabled();
    }
}

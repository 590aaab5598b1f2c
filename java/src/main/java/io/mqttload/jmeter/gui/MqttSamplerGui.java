package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.List;
import java.util.Locale;

import org.apache.jmeter.samplers.gui.AbstractSamplerGui;
import org.apache.jmeter.testelement.TestElement;

/**
 * What the MQTT element GUIs share: the frame with JMeter's title panel, the menu label, element creation,
 * and moving every bound field between the GUI and the element ({@link Fields}). Subclasses bind their fields,
 * lay them out and say which apply ({@link #updateEnabled()}).
 */
abstract class MqttSamplerGui<E extends TestElement> extends AbstractSamplerGui {
    private static final long serialVersionUID = 1L;

    private final Class<E> type;
    /** Not state worth serialising: rebuilt with the GUI. */
    protected final transient Fields<E> fields;

    /** {@code helpSection}: where {@link Help} finds the fields' texts ("connect", "publish", ...). */
    MqttSamplerGui(Class<E> type, String helpSection) {
        this.type = type;
        this.fields = new Fields<>(helpSection);
        setLayout(new BorderLayout());
        setBorder(makeBorder());
        add(makeTitlePanel(), BorderLayout.NORTH);
    }

    /** The menu and default element name; a constant (JMeter asks for it during construction). */
    protected abstract String label();

    /** A new, empty element of this GUI's kind. */
    protected abstract E newElement();

    /** Enables the fields that apply to the current choices and disables the others. */
    protected void updateEnabled() {
    }

    /** Ends construction: every field at its default. */
    protected final void ready() {
        fields.reset();
        updateEnabled();
    }

    /** The bound fields, in the order their properties are written. */
    List<Fields.Field<E>> boundFields() {
        return fields.all();
    }

    @Override
    public String getLabelResource() {
        // "MQTT Connect" -> "mqttload_connect_title"; not in JMeter's bundle: getStaticLabel() gives the text.
        return "mqttload_" + label().substring("MQTT ".length()).toLowerCase(Locale.ROOT) + "_title";
    }

    @Override
    public String getStaticLabel() {
        return label();
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

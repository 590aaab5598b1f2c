package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.Locale;

import org.apache.jmeter.samplers.gui.AbstractSamplerGui;
import org.apache.jmeter.testelement.TestElement;

/**
 * What the four MQTT element GUIs share: the frame with JMeter's title panel, the menu label,
 * element creation and clearing. Subclasses add their forms and map their fields.
 */
abstract class MqttSamplerGui extends AbstractSamplerGui {
    private static final long serialVersionUID = 1L;

    MqttSamplerGui() {
        setLayout(new BorderLayout());
        setBorder(makeBorder());
        add(makeTitlePanel(), BorderLayout.NORTH);
    }

    /** The menu and default element name; a constant (JMeter asks for it during construction). */
    protected abstract String label();

    /** A new, empty element of this GUI's kind. */
    protected abstract TestElement newElement();

    /** Puts every field back to its default. */
    protected abstract void clearFields();

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
    public void clearGui() {
        super.clearGui();
        clearFields();
    }
}

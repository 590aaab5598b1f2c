package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.samplers.gui.AbstractSamplerGui;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jmeter.DisconnectSampler;

/** GUI of {@link DisconnectSampler}. */
public class DisconnectSamplerGui extends AbstractSamplerGui {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Disconnect";

    private final JTextField connectionName = Form.text(20);

    public DisconnectSamplerGui() {
        setLayout(new BorderLayout());
        setBorder(makeBorder());
        add(makeTitlePanel(), BorderLayout.NORTH);
        VerticalPanel main = new VerticalPanel();
        Form form = new Form("Disconnect");
        form.row("Connection name (empty = the thread's):", connectionName);
        main.add(form);
        add(main, BorderLayout.CENTER);
    }

    @Override
    public String getLabelResource() {
        return "mqttload_disconnect_title";
    }

    @Override
    public String getStaticLabel() {
        return LABEL;
    }

    @Override
    public TestElement createTestElement() {
        DisconnectSampler s = new DisconnectSampler();
        modifyTestElement(s);
        return s;
    }

    @Override
    public void modifyTestElement(TestElement element) {
        configureTestElement(element);
        ((DisconnectSampler) element).setConnectionName(connectionName.getText());
    }

    @Override
    public void configure(TestElement element) {
        super.configure(element);
        connectionName.setText(((DisconnectSampler) element).getConnectionName());
    }

    @Override
    public void clearGui() {
        super.clearGui();
        connectionName.setText("");
    }
}

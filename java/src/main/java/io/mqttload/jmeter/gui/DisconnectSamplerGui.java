package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jmeter.DisconnectSampler;

/** GUI of {@link DisconnectSampler}. */
public class DisconnectSamplerGui extends MqttSamplerGui {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Disconnect";

    private final JTextField connectionName = Form.text(20);
    private final JTextField reasonCode = Form.text(6);
    private final JTextField sessionExpiry = Form.text(10);

    public DisconnectSamplerGui() {
        VerticalPanel main = new VerticalPanel();
        Form form = new Form("Disconnect");
        form.row("Connection name (empty = the thread's):", connectionName);
        main.add(form);
        Form v5 = new Form("MQTT 5.0 (used on MQTT 5.0 connections)");
        v5.row("Reason code (0-255; 0 = normal disconnection):", reasonCode);
        v5.row("Session expiry interval (s; empty = not sent):", sessionExpiry);
        main.add(v5);
        add(main, BorderLayout.CENTER);
        clearFields();
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected TestElement newElement() {
        return new DisconnectSampler();
    }

    @Override
    public void modifyTestElement(TestElement element) {
        configureTestElement(element);
        DisconnectSampler s = (DisconnectSampler) element;
        s.setConnectionName(connectionName.getText());
        s.setReasonCode(reasonCode.getText());
        s.setSessionExpiry(sessionExpiry.getText());
    }

    @Override
    public void configure(TestElement element) {
        super.configure(element);
        DisconnectSampler s = (DisconnectSampler) element;
        connectionName.setText(s.getConnectionName());
        reasonCode.setText(s.getReasonCode());
        sessionExpiry.setText(s.getSessionExpiry());
    }

    @Override
    protected void clearFields() {
        connectionName.setText("");
        reasonCode.setText("0");
        sessionExpiry.setText("");
    }
}

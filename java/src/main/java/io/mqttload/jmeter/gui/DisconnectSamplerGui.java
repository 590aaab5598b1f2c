package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;

import io.mqttload.jmeter.DisconnectSampler;
import io.mqttload.jmeter.Keys;

/** GUI of {@link DisconnectSampler}. */
public class DisconnectSamplerGui extends MqttSamplerGui<DisconnectSampler> {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Disconnect";

    private final JTextField connectionName = Form.text(10);
    private final JTextField reasonCode = Form.text(5);
    private final JTextField sessionExpiry = Form.text(8);

    public DisconnectSamplerGui() {
        super(DisconnectSampler.class, "disconnect");
        fields.text(Keys.CONNECTION_NAME, connectionName, DisconnectSampler::getConnectionName,
                DisconnectSampler::setConnectionName, "");
        fields.text(Keys.DISCONNECT_REASON_CODE, reasonCode, DisconnectSampler::getReasonCode,
                DisconnectSampler::setReasonCode, "0");
        fields.text(Keys.DISCONNECT_SESSION_EXPIRY, sessionExpiry, DisconnectSampler::getSessionExpiry,
                DisconnectSampler::setSessionExpiry, "");
        VerticalPanel main = new VerticalPanel();
        main.add(new Form("Disconnect")
                .row("Connection name:", Form.withNote(connectionName, "empty = the thread's default group")));
        main.add(new Form("MQTT 5.0 (MQTT 5.0 connections only)")
                .row("Reason code:", Form.withNote(reasonCode, "0-255; 0 = normal, 4 = send the will"))
                .row("Session expiry (s):", Form.withNote(sessionExpiry, "empty = not sent")));
        add(main, BorderLayout.CENTER);
        ready();
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected DisconnectSampler newElement() {
        return new DisconnectSampler();
    }
}

package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;

import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.UnsubscribeSampler;

/** GUI of {@link UnsubscribeSampler}. */
public class UnsubscribeSamplerGui extends MqttSamplerGui<UnsubscribeSampler> {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Unsubscribe";

    private final JTextField connectionName = Form.text(10);
    private final JTextField topics = Form.grow(Form.text(14));
    private final JTextField timeout = Form.text(7);

    public UnsubscribeSamplerGui() {
        super(UnsubscribeSampler.class, "unsubscribe");
        fields.text(Keys.CONNECTION_NAME, connectionName, UnsubscribeSampler::getConnectionName,
                UnsubscribeSampler::setConnectionName, "");
        fields.text(Keys.TOPIC_NAME, topics, UnsubscribeSampler::getTopics, UnsubscribeSampler::setTopics,
                Keys.DEFAULT_TOPIC);
        fields.text(Keys.UNSUBSCRIBE_TIMEOUT, timeout, UnsubscribeSampler::getTimeout,
                UnsubscribeSampler::setTimeout, String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));
        VerticalPanel main = new VerticalPanel();
        main.add(new Form("Unsubscribe")
                .row("Topics:", Form.withNote(topics, "as the Subscribe element named them, comma-separated"))
                .row("Connection name:", Form.withNote(connectionName, "empty = the thread's default group"))
                .row("Timeout (ms):", Form.withNote(timeout, "the most it waits for every UNSUBACK")));
        add(main, BorderLayout.CENTER);
        ready();
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected UnsubscribeSampler newElement() {
        return new UnsubscribeSampler();
    }
}

package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.Locale;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;

import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.SubscribeSampler;
import io.mqttload.jmeter.SubscribeSettings;

/** GUI of {@link SubscribeSampler}. The value's label follows the sample condition (time or count). */
public class SubscribeSamplerGui extends MqttSamplerGui<SubscribeSampler> {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Subscribe";
    static final String VALUE_TIME = "Elapsed time (ms):";
    static final String VALUE_COUNT = "Messages:";
    static final String VALUE_ANY = "Value (ms or messages):";

    private final JTextField connectionName = Form.text(10);
    private final JTextField topics = Form.grow(Form.text(14));
    private final JComboBox<String> qos = Form.combo(true, "000", "0", "1", "2");
    private final JComboBox<String> sampleCondition = Form.combo(false, Keys.CONDITION_COUNT_LABEL,
            Keys.CONDITION_TIME_LABEL, Keys.CONDITION_COUNT_LABEL);
    private final JTextField sampleConditionValue = Form.text(7);
    private final JTextField sampleTimeout = Form.text(7);
    private final JCheckBox addTimestamp = Form.check("Payloads carry a timestamp (measure latency and loss)");
    private final JCheckBox debugResponse = Form.check("Put received payloads in the response data");
    private final JCheckBox noLocal = Form.check("No local (not our own messages)");
    private final JCheckBox retainAsPublished = Form.check("Retain as published");
    private final JComboBox<String> retainHandling = Form.combo(false, Keys.RETAIN_HANDLING_LABELS[1],
            Keys.RETAIN_HANDLING_LABELS);
    private final JTextField subscriptionIdentifier = Form.text(9);

    public SubscribeSamplerGui() {
        super(SubscribeSampler.class, "subscribe");
        bind();
        VerticalPanel main = new VerticalPanel();
        main.add(new Form("Subscribe")
                .row("Topics:", topics, "QoS:", qos)
                .row("Connection name:", connectionName));
        main.add(new Form("Sample")
                .row("Sample on:", sampleCondition, VALUE_ANY, sampleConditionValue)
                .row("Timeout (ms):",
                        Form.withNote(sampleTimeout, "the most a message-count sample waits; also the SUBACK wait"))
                .row(null, addTimestamp)
                .row(null, debugResponse));
        main.add(new Form("MQTT 5.0 subscription options (MQTT 5.0 connections only)")
                .row(null, Form.line(noLocal, retainAsPublished))
                .row("Retain handling:", retainHandling, "Subscription identifier:", subscriptionIdentifier));
        add(main, BorderLayout.CENTER);
        sampleCondition.addActionListener(e -> updateEnabled());
        ready();
    }

    /** In the order the previous GUI wrote them, so a new element saves its properties in the same order. */
    private void bind() {
        fields.text(Keys.CONNECTION_NAME, connectionName, SubscribeSampler::getConnectionName,
                SubscribeSampler::setConnectionName, "");
        fields.text(Keys.TOPIC_NAME, topics, SubscribeSampler::getTopics, SubscribeSampler::setTopics,
                Keys.DEFAULT_TOPIC);
        fields.combo(Keys.QOS_LEVEL, qos, SubscribeSampler::getQos, SubscribeSampler::setQos, "0");
        fields.combo(Keys.SAMPLE_CONDITION, sampleCondition, SubscribeSampler::getSampleCondition,
                SubscribeSampler::setSampleCondition, Keys.CONDITION_TIME_LABEL);
        fields.text(Keys.SAMPLE_CONDITION_VALUE, sampleConditionValue, SubscribeSampler::getSampleConditionValue,
                SubscribeSampler::setSampleConditionValue, String.valueOf(Keys.DEFAULT_CONDITION_TIME_MS));
        fields.text(Keys.SAMPLE_TIMEOUT, sampleTimeout, SubscribeSampler::getSampleTimeout,
                SubscribeSampler::setSampleTimeout, String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));
        fields.check(Keys.ADD_TIMESTAMP, addTimestamp, SubscribeSampler::isAddTimestamp,
                SubscribeSampler::setAddTimestamp, false);
        fields.check(Keys.DEBUG_RESPONSE, debugResponse, SubscribeSampler::isDebugResponse,
                SubscribeSampler::setDebugResponse, false);
        fields.check(Keys.NO_LOCAL, noLocal, SubscribeSampler::isNoLocal, SubscribeSampler::setNoLocal, false);
        fields.check(Keys.RETAIN_AS_PUBLISHED, retainAsPublished, SubscribeSampler::isRetainAsPublished,
                SubscribeSampler::setRetainAsPublished, false);
        fields.add(Keys.RETAIN_HANDLING, retainHandling, s -> selectRetainHandling(s.getRetainHandling()),
                s -> s.setRetainHandling(retainHandlingValue()), () -> retainHandling.setSelectedIndex(0));
        fields.text(Keys.SUBSCRIPTION_IDENTIFIER, subscriptionIdentifier, SubscribeSampler::getSubscriptionIdentifier,
                SubscribeSampler::setSubscriptionIdentifier, "0");
    }

    /** The stored number for a label ("2 - never" -> "2"); anything else (e.g. a ${variable}) as is. */
    private String retainHandlingValue() {
        String v = Form.value(retainHandling);
        for (int i = 0; i < Keys.RETAIN_HANDLING_LABELS.length; i++) {
            if (Keys.RETAIN_HANDLING_LABELS[i].equals(v)) {
                return String.valueOf(i);
            }
        }
        return v;
    }

    /** Selects the label of a stored number; an unknown value (e.g. a ${variable}) is added as is. */
    private void selectRetainHandling(String stored) {
        String v = stored == null ? "" : stored.trim();
        for (int i = 0; i < Keys.RETAIN_HANDLING_LABELS.length; i++) {
            if (String.valueOf(i).equals(v) || Keys.RETAIN_HANDLING_LABELS[i].equals(v)) {
                retainHandling.setSelectedIndex(i);
                return;
            }
        }
        Form.select(retainHandling, stored);
    }

    /** The value is milliseconds or a message count, as the condition says. */
    @Override
    protected void updateEnabled() {
        String c = Form.value(sampleCondition).trim().toLowerCase(Locale.ROOT);
        String text = c.equals(Keys.CONDITION_TIME_LABEL) || c.equals(SubscribeSettings.CONDITION_TIME) ? VALUE_TIME
                : c.equals(Keys.CONDITION_COUNT_LABEL) || c.equals(SubscribeSettings.CONDITION_COUNT) ? VALUE_COUNT
                : VALUE_ANY;
        Form.label(sampleConditionValue).ifPresent(l -> l.setText(text));
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected SubscribeSampler newElement() {
        return new SubscribeSampler();
    }
}

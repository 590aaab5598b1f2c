package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.SubscribeSampler;

/** GUI of {@link SubscribeSampler}. */
public class SubscribeSamplerGui extends MqttSamplerGui {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Subscribe";

    private final JTextField connectionName = Form.text(20);
    private final JTextField topics = Form.text(30);
    private final JComboBox<String> qos = Form.combo(true, "0", "1", "2");
    private final JComboBox<String> sampleCondition = Form.combo(false,
            Keys.CONDITION_TIME_LABEL, Keys.CONDITION_COUNT_LABEL);
    private final JTextField sampleConditionValue = Form.text(8);
    private final JTextField sampleTimeout = Form.text(8);
    private final JCheckBox addTimestamp = new JCheckBox("Payloads carry a timestamp (measure latency)");
    private final JCheckBox debugResponse = new JCheckBox("Put received payloads in the response data");
    private final JCheckBox noLocal = new JCheckBox("No local (not my own messages)");
    private final JCheckBox retainAsPublished = new JCheckBox("Retain as published");
    private final JComboBox<String> retainHandling = Form.combo(false, Keys.RETAIN_HANDLING_LABELS);
    private final JTextField subscriptionIdentifier = Form.text(10);

    public SubscribeSamplerGui() {
        VerticalPanel main = new VerticalPanel();
        Form sub = new Form("Subscribe");
        sub.row("Connection name (empty = the thread's):", connectionName);
        sub.row("Topics (comma-separated):", topics);
        sub.row("QoS:", qos);
        sub.row("Sample on:", sampleCondition);
        sub.row("Value (ms or messages):", sampleConditionValue);
        sub.row("Timeout for a message count (ms):", sampleTimeout);
        sub.row("", addTimestamp);
        sub.row("", debugResponse);
        main.add(sub);
        Form v5 = new Form("MQTT 5.0 subscription options (used on MQTT 5.0 connections)");
        v5.row("", noLocal);
        v5.row("", retainAsPublished);
        v5.row("Retain handling:", retainHandling);
        v5.row("Subscription identifier (0 = none):", subscriptionIdentifier);
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
        return new SubscribeSampler();
    }

    @Override
    public void modifyTestElement(TestElement element) {
        configureTestElement(element);
        SubscribeSampler s = (SubscribeSampler) element;
        s.setConnectionName(connectionName.getText());
        s.setTopics(topics.getText());
        s.setQos(Form.value(qos));
        s.setSampleCondition(Form.value(sampleCondition));
        s.setSampleConditionValue(sampleConditionValue.getText());
        s.setSampleTimeout(sampleTimeout.getText());
        s.setAddTimestamp(addTimestamp.isSelected());
        s.setDebugResponse(debugResponse.isSelected());
        s.setNoLocal(noLocal.isSelected());
        s.setRetainAsPublished(retainAsPublished.isSelected());
        s.setRetainHandling(retainHandlingValue());
        s.setSubscriptionIdentifier(subscriptionIdentifier.getText());
    }

    @Override
    public void configure(TestElement element) {
        super.configure(element);
        SubscribeSampler s = (SubscribeSampler) element;
        connectionName.setText(s.getConnectionName());
        topics.setText(s.getTopics());
        Form.select(qos, s.getQos());
        Form.select(sampleCondition, s.getSampleCondition());
        sampleConditionValue.setText(s.getSampleConditionValue());
        sampleTimeout.setText(s.getSampleTimeout());
        addTimestamp.setSelected(s.isAddTimestamp());
        debugResponse.setSelected(s.isDebugResponse());
        noLocal.setSelected(s.isNoLocal());
        retainAsPublished.setSelected(s.isRetainAsPublished());
        selectRetainHandling(s.getRetainHandling());
        subscriptionIdentifier.setText(s.getSubscriptionIdentifier());
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

    @Override
    protected void clearFields() {
        connectionName.setText("");
        topics.setText(Keys.DEFAULT_TOPIC);
        Form.select(qos, "0");
        Form.select(sampleCondition, Keys.CONDITION_TIME_LABEL);
        sampleConditionValue.setText(String.valueOf(Keys.DEFAULT_CONDITION_TIME_MS));
        sampleTimeout.setText(String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));
        addTimestamp.setSelected(false);
        debugResponse.setSelected(false);
        noLocal.setSelected(false);
        retainAsPublished.setSelected(false);
        retainHandling.setSelectedIndex(0);
        subscriptionIdentifier.setText("0");
    }
}

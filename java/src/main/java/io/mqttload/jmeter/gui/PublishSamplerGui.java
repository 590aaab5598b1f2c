package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JTextArea;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.PublishSampler;

/** GUI of {@link PublishSampler}. */
public class PublishSamplerGui extends MqttSamplerGui {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Publish";

    private final JTextField connectionName = Form.text(20);
    private final JTextField topic = Form.text(30);
    private final JComboBox<String> qos = Form.combo(true, "0", "1", "2");
    private final JCheckBox retained = new JCheckBox("Retained");
    private final JCheckBox endMarker = new JCheckBox(
            "Send an end marker per stream at Disconnect (subscribers in other engines count the tail)");
    private final JComboBox<String> messageType = Form.combo(false,
            Keys.MESSAGE_TYPE_STRING, Keys.MESSAGE_TYPE_HEX, Keys.MESSAGE_TYPE_RANDOM);
    private final JTextField fixedLength = Form.text(8);
    private final JCheckBox randomPerMessage = new JCheckBox("New random payload for every message");
    private final JTextArea message = new JTextArea(5, 30);
    private final JComboBox<String> timestampFormat = Form.combo(false,
            Keys.TIMESTAMP_NONE, Keys.TIMESTAMP_XMETER, Keys.TIMESTAMP_PRECISE);
    private final JTextField messagesPerSample = Form.text(8);
    private final JComboBox<String> target = Form.combo(false, Keys.TARGET_ALL, Keys.TARGET_ROUND_ROBIN);
    private final JTextField ackTimeout = Form.text(8);
    private final JTextField messageExpiry = Form.text(10);
    private final JTextField contentType = Form.text(20);
    private final JCheckBox payloadFormatUtf8 = new JCheckBox("Payload is UTF-8 (payload format indicator)");
    private final JTextField responseTopic = Form.text(30);
    private final JTextField correlationData = Form.text(30);
    private final JTextArea userProperties = new JTextArea(4, 30);
    private final JCheckBox useTopicAlias = new JCheckBox("Use topic aliases (when the broker allows them)");

    public PublishSamplerGui() {
        VerticalPanel main = new VerticalPanel();
        Form pub = new Form("Publish");
        pub.row("Connection name (empty = the thread's):", connectionName);
        pub.row("Topic:", topic);
        pub.row("QoS:", qos);
        pub.row("", retained);
        pub.row("Messages per sample:", messagesPerSample);
        pub.row("Target connections:", target);
        pub.row("Acknowledgement timeout (ms):", ackTimeout);
        main.add(pub);
        Form payload = new Form("Payload");
        payload.row("Timestamp:", timestampFormat);
        payload.row("", endMarker);
        payload.row("Message type:", messageType);
        payload.row("Random length:", fixedLength);
        payload.row("", randomPerMessage);
        payload.row("Message:", message);
        main.add(payload);
        Form v5 = new Form("MQTT 5.0 properties (used on MQTT 5.0 connections)");
        v5.row("Message expiry interval (s; 0 = none):", messageExpiry);
        v5.row("Content type:", contentType);
        v5.row("", payloadFormatUtf8);
        v5.row("Response topic:", responseTopic);
        v5.row("Correlation data:", correlationData);
        v5.row("User properties (name=value per line):", userProperties);
        v5.row("", useTopicAlias);
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
        return new PublishSampler();
    }

    @Override
    public void modifyTestElement(TestElement element) {
        configureTestElement(element);
        PublishSampler s = (PublishSampler) element;
        s.setConnectionName(connectionName.getText());
        s.setTopic(topic.getText());
        s.setQos(Form.value(qos));
        s.setRetained(retained.isSelected());
        s.setEndMarker(endMarker.isSelected());
        s.setMessageType(Form.value(messageType));
        s.setMessageLength(fixedLength.getText());
        s.setRandomPerMessage(randomPerMessage.isSelected());
        s.setMessage(message.getText());
        s.setTimestampFormat(Form.value(timestampFormat));
        s.setMessagesPerSample(messagesPerSample.getText());
        s.setPublishTarget(Form.value(target));
        s.setAckTimeout(ackTimeout.getText());
        s.setMessageExpiry(messageExpiry.getText());
        s.setContentType(contentType.getText());
        s.setPayloadFormatUtf8(payloadFormatUtf8.isSelected());
        s.setResponseTopic(responseTopic.getText());
        s.setCorrelationData(correlationData.getText());
        s.setUserProperties(userProperties.getText());
        s.setUseTopicAlias(useTopicAlias.isSelected());
    }

    @Override
    public void configure(TestElement element) {
        super.configure(element);
        PublishSampler s = (PublishSampler) element;
        connectionName.setText(s.getConnectionName());
        topic.setText(s.getTopic());
        Form.select(qos, s.getQos());
        retained.setSelected(s.isRetained());
        endMarker.setSelected(s.isEndMarker());
        Form.select(messageType, s.getMessageType());
        fixedLength.setText(s.getMessageLength());
        randomPerMessage.setSelected(s.isRandomPerMessage());
        message.setText(s.getMessage());
        Form.select(timestampFormat, s.getTimestampFormat());
        messagesPerSample.setText(s.getMessagesPerSample());
        Form.select(target, s.getPublishTarget());
        ackTimeout.setText(s.getAckTimeout());
        messageExpiry.setText(s.getMessageExpiry());
        contentType.setText(s.getContentType());
        payloadFormatUtf8.setSelected(s.isPayloadFormatUtf8());
        responseTopic.setText(s.getResponseTopic());
        correlationData.setText(s.getCorrelationData());
        userProperties.setText(s.getUserProperties());
        useTopicAlias.setSelected(s.isUseTopicAlias());
    }

    @Override
    protected void clearFields() {
        connectionName.setText("");
        topic.setText(Keys.DEFAULT_TOPIC);
        Form.select(qos, "0");
        retained.setSelected(false);
        endMarker.setSelected(false);
        Form.select(messageType, Keys.MESSAGE_TYPE_STRING);
        fixedLength.setText(String.valueOf(Keys.DEFAULT_FIXED_LENGTH));
        randomPerMessage.setSelected(false);
        message.setText("");
        Form.select(timestampFormat, Keys.TIMESTAMP_NONE);
        messagesPerSample.setText("1");
        Form.select(target, Keys.TARGET_ALL);
        ackTimeout.setText(String.valueOf(Keys.DEFAULT_ACK_TIMEOUT_MS));
        messageExpiry.setText("0");
        contentType.setText("");
        payloadFormatUtf8.setSelected(false);
        responseTopic.setText("");
        correlationData.setText("");
        userProperties.setText("");
        useTopicAlias.setSelected(false);
    }
}

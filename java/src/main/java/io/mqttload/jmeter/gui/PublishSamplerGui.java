package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.Locale;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTabbedPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;

import io.mqttload.jmeter.ConnectSettings;
import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.PublishSampler;

/**
 * GUI of {@link PublishSampler}: where and how to publish on top, the payload and the MQTT 5.0 properties in
 * tabs. The random-payload fields apply to the random type only, the message text to the others, the end
 * marker to precise timestamps; a note under the timestamp choice says what the chosen format is.
 */
public class PublishSamplerGui extends MqttSamplerGui<PublishSampler> {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Publish";
    static final String TAB_PAYLOAD = "Payload";
    static final String TAB_V5 = "MQTT 5.0 properties";
    static final String GROUP_PACING = "Pacing";

    private final JTextField connectionName = Form.text(10);
    private final JTextField topic = Form.grow(Form.text(12));
    private final JComboBox<String> qos = Form.combo(true, "000", "0", "1", "2");
    private final JCheckBox retained = Form.check("Retained");
    private final JCheckBox endMarker = Form.check(
            "End marker at Disconnect (for subscribers in other JMeter engines)");
    private final JComboBox<String> messageType = Form.combo(false, Keys.MESSAGE_TYPE_RANDOM,
            Keys.MESSAGE_TYPE_STRING, Keys.MESSAGE_TYPE_HEX, Keys.MESSAGE_TYPE_RANDOM, Keys.MESSAGE_TYPE_FILE,
            Keys.MESSAGE_TYPE_FOLDER);
    private final JTextField payloadFile = Form.text(20);
    private final JTextField payloadFolder = Form.text(20);
    private final JTextField fixedLength = Form.text(7);
    private final JCheckBox randomPerMessage = Form.check("New random content for every message");
    private final JTextArea message = Form.area(5, 30);
    private final JComboBox<String> timestampFormat = Form.combo(false, Keys.TIMESTAMP_PRECISE,
            Keys.TIMESTAMP_NONE, Keys.TIMESTAMP_XMETER, Keys.TIMESTAMP_PRECISE);
    private final JLabel timestampNote = Form.note("");
    private final JTextField messagesPerSample = Form.text(6);
    private final JComboBox<String> target = Form.combo(false, Keys.TARGET_ROUND_ROBIN, Keys.TARGET_ALL,
            Keys.TARGET_ROUND_ROBIN);
    private final JTextField ackTimeout = Form.text(6);
    private final JComboBox<String> paceMode = Form.combo(false, Keys.PACE_RATE_PER_CONNECTION, Keys.PACE_BURST,
            Keys.PACE_INTERVAL, Keys.PACE_RATE_PER_CONNECTION, Keys.PACE_RATE_PER_GROUP);
    private final JTextField paceIntervalMs = Form.text(6);
    private final JTextField paceRate = Form.text(6);
    private final JTextField paceDurationMs = Form.text(7);
    private final JTextField paceMessages = Form.text(7);
    private final JTextField messageExpiry = Form.text(6);
    private final JTextField contentType = Form.text(12);
    private final JCheckBox payloadFormatUtf8 = Form.check("Payload is UTF-8 (payload format indicator)");
    private final JTextField responseTopic = Form.grow(Form.text(10));
    private final JTextField correlationData = Form.text(12);
    private final JTextArea userProperties = Form.area(3, 30);
    private final JCheckBox useTopicAlias = Form.check("Use topic aliases");

    public PublishSamplerGui() {
        super(PublishSampler.class, "publish");
        bind();
        JPanel main = new JPanel(new BorderLayout());
        JPanel top = new JPanel(new BorderLayout());
        top.add(new Form("Publish")
                .row("Topic:", topic, "QoS:", qos, null, retained)
                .row("Messages per sample:", messagesPerSample, "Target connections:", target)
                .row("Connection name:", connectionName, "Ack timeout (ms):", ackTimeout), BorderLayout.NORTH);
        top.add(new Form(GROUP_PACING)
                .row("Mode:", paceMode, "Interval (ms):", paceIntervalMs, "Rate (msg/s):", paceRate)
                .row("Duration (ms):", paceDurationMs, "Message cap:", paceMessages)
                .full(Form.note("Paced: each connection publishes on the engine's schedule; timestamps = intended"
                        + " times.")), BorderLayout.CENTER);
        main.add(top, BorderLayout.NORTH);
        JTabbedPane tabs = new JTabbedPane();
        tabs.addTab(TAB_PAYLOAD, top(new Form()
                .row("Message type:", messageType)
                .row("Random length (bytes):", fixedLength, null, randomPerMessage)
                .row("Timestamp:", timestampFormat)
                .full(timestampNote)
                .row(null, endMarker)
                .row("Message:", message)
                .row(null, Form.note("String: {{client_id}}, {{seq}}, {{random:1:9}}... per message (tooltip)."))
                .row("Payload file:", Form.fileField(payloadFile, ConnectSettings::planDir))
                .row("Payload folder:", Form.folderField(payloadFolder, ConnectSettings::planDir))));
        tabs.addTab(TAB_V5, top(new Form()
                .full(Form.note("Sent on MQTT 5.0 connections only; on a 3.x connection they fail the sample."))
                .row("Message expiry (s):", messageExpiry, "Content type:", contentType)
                .row("Response topic:", responseTopic, "Correlation data:", correlationData)
                .row(null, payloadFormatUtf8)
                .row(null, useTopicAlias)
                .row("User properties:", userProperties)
                .row(null, Form.note("name=value, one per line"))));
        main.add(tabs, BorderLayout.CENTER);
        add(main, BorderLayout.CENTER);
        messageType.addActionListener(e -> updateEnabled());
        timestampFormat.addActionListener(e -> updateEnabled());
        paceMode.addActionListener(e -> updateEnabled());
        ready();
    }

    /** In the order the previous GUI wrote them, so a new element saves its properties in the same order. */
    private void bind() {
        fields.text(Keys.CONNECTION_NAME, connectionName, PublishSampler::getConnectionName,
                PublishSampler::setConnectionName, "");
        fields.text(Keys.TOPIC_NAME, topic, PublishSampler::getTopic, PublishSampler::setTopic, Keys.DEFAULT_TOPIC);
        fields.combo(Keys.QOS_LEVEL, qos, PublishSampler::getQos, PublishSampler::setQos, "0");
        fields.check(Keys.RETAINED_MESSAGE, retained, PublishSampler::isRetained, PublishSampler::setRetained, false);
        fields.check(Keys.END_MARKER, endMarker, PublishSampler::isEndMarker, PublishSampler::setEndMarker, false);
        fields.combo(Keys.MESSAGE_TYPE, messageType, PublishSampler::getMessageType, PublishSampler::setMessageType,
                Keys.MESSAGE_TYPE_STRING);
        fields.text(Keys.MESSAGE_TYPE_FIXED_LENGTH, fixedLength, PublishSampler::getMessageLength,
                PublishSampler::setMessageLength, String.valueOf(Keys.DEFAULT_FIXED_LENGTH));
        fields.check(Keys.RANDOM_PER_MESSAGE, randomPerMessage, PublishSampler::isRandomPerMessage,
                PublishSampler::setRandomPerMessage, false);
        fields.text(Keys.MESSAGE_TO_SENT, message, PublishSampler::getMessage, PublishSampler::setMessage, "");
        fields.combo(Keys.TIMESTAMP_FORMAT, timestampFormat, PublishSampler::getTimestampFormat,
                PublishSampler::setTimestampFormat, Keys.TIMESTAMP_NONE);
        fields.text(Keys.MESSAGES_PER_SAMPLE, messagesPerSample, PublishSampler::getMessagesPerSample,
                PublishSampler::setMessagesPerSample, "1");
        fields.combo(Keys.PUBLISH_TARGET, target, PublishSampler::getPublishTarget, PublishSampler::setPublishTarget,
                Keys.TARGET_ALL);
        fields.text(Keys.ACK_TIMEOUT, ackTimeout, PublishSampler::getAckTimeout, PublishSampler::setAckTimeout,
                String.valueOf(Keys.DEFAULT_ACK_TIMEOUT_MS));
        fields.text(Keys.MESSAGE_EXPIRY, messageExpiry, PublishSampler::getMessageExpiry,
                PublishSampler::setMessageExpiry, "0");
        fields.text(Keys.CONTENT_TYPE, contentType, PublishSampler::getContentType, PublishSampler::setContentType,
                "");
        fields.check(Keys.PAYLOAD_FORMAT_UTF8, payloadFormatUtf8, PublishSampler::isPayloadFormatUtf8,
                PublishSampler::setPayloadFormatUtf8, false);
        fields.text(Keys.RESPONSE_TOPIC, responseTopic, PublishSampler::getResponseTopic,
                PublishSampler::setResponseTopic, "");
        fields.text(Keys.CORRELATION_DATA, correlationData, PublishSampler::getCorrelationData,
                PublishSampler::setCorrelationData, "");
        fields.text(Keys.USER_PROPERTIES, userProperties, PublishSampler::getUserProperties,
                PublishSampler::setUserProperties, "");
        fields.check(Keys.USE_TOPIC_ALIAS, useTopicAlias, PublishSampler::isUseTopicAlias,
                PublishSampler::setUseTopicAlias, false);
        fields.text(Keys.PAYLOAD_FILE, payloadFile, PublishSampler::getPayloadFile, PublishSampler::setPayloadFile,
                "");
        fields.text(Keys.PAYLOAD_FOLDER, payloadFolder, PublishSampler::getPayloadFolder,
                PublishSampler::setPayloadFolder, "");
        fields.combo(Keys.PACE_MODE, paceMode, PublishSampler::getPaceMode, PublishSampler::setPaceMode,
                Keys.PACE_BURST);
        fields.text(Keys.PACE_INTERVAL_MS, paceIntervalMs, PublishSampler::getPaceIntervalMs,
                PublishSampler::setPaceIntervalMs, String.valueOf(Keys.DEFAULT_PACE_INTERVAL_MS));
        fields.text(Keys.PACE_RATE, paceRate, PublishSampler::getPaceRate, PublishSampler::setPaceRate,
                Keys.DEFAULT_PACE_RATE);
        fields.text(Keys.PACE_DURATION_MS, paceDurationMs, PublishSampler::getPaceDurationMs,
                PublishSampler::setPaceDurationMs, String.valueOf(Keys.DEFAULT_PACE_DURATION_MS));
        fields.text(Keys.PACE_MESSAGES, paceMessages, PublishSampler::getPaceMessages,
                PublishSampler::setPaceMessages, "0");
    }

    /** Keeps a tab's content at the top of the tab (the tallest tab sets the height of both). */
    private static JPanel top(JPanel content) {
        JPanel p = new JPanel(new BorderLayout());
        p.add(content, BorderLayout.NORTH);
        return p;
    }

    /** A ${variable} in a combo could become anything, so everything it governs stays editable. */
    @Override
    protected void updateEnabled() {
        boolean anyType = Form.variable(messageType);
        boolean random = Keys.MESSAGE_TYPE_RANDOM.equalsIgnoreCase(Form.value(messageType).trim());
        Form.applies(anyType || random, fixedLength, randomPerMessage);
        String type = Form.value(messageType).trim();
        boolean file = Keys.MESSAGE_TYPE_FILE.equalsIgnoreCase(type);
        boolean folder = Keys.MESSAGE_TYPE_FOLDER.equalsIgnoreCase(type);
        Form.applies(anyType || !(random || file || folder), message);
        Form.applies(anyType || file, payloadFile);
        Form.applies(anyType || folder, payloadFolder);
        String ts = Form.value(timestampFormat).trim().toLowerCase(Locale.ROOT);
        boolean anyTs = Form.variable(timestampFormat);
        Form.applies(anyTs || Keys.TIMESTAMP_PRECISE.equals(ts), endMarker);
        boolean anyPace = Form.variable(paceMode);
        String pace = Form.value(paceMode).trim().toLowerCase(Locale.ROOT);
        boolean burst = !anyPace && Keys.PACE_BURST.equals(pace);
        Form.applies(anyPace || Keys.PACE_INTERVAL.equals(pace), paceIntervalMs);
        Form.applies(anyPace || Keys.PACE_RATE_PER_CONNECTION.equals(pace) || Keys.PACE_RATE_PER_GROUP.equals(pace),
                paceRate);
        Form.applies(!burst, paceDurationMs, paceMessages);
        // a paced sample publishes on every connection by its schedule, not N messages to a target
        Form.applies(anyPace || burst, messagesPerSample, target);
        timestampNote.setText(anyTs ? "Chosen at run time: none, xmeter or precise (the tooltip says what each is)."
                : timestampNote(ts));
    }

    /** One line on the chosen format; the tooltip has them all. */
    static String timestampNote(String format) {
        switch (format) {
            case Keys.TIMESTAMP_NONE:
                return "none: the payload is sent as it is; subscribers measure no latency.";
            case Keys.TIMESTAMP_XMETER:
                return "xmeter: <epoch ms>ts_sep_flag<payload>, XMeter's format: millisecond latency.";
            case Keys.TIMESTAMP_PRECISE:
                return "precise: mqlt:<publisher>:<seq>:<epoch ns>;<payload>: microsecond latency, loss counted.";
            default:
                return "'" + format + "' is not a format: the sample will fail. Choose none, xmeter or precise.";
        }
    }

    /** For tests: the note shown under the timestamp choice. */
    String timestampNoteText() {
        return timestampNote.getText();
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected PublishSampler newElement() {
        return new PublishSampler();
    }
}

package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.Locale;

import javax.swing.JComboBox;
import javax.swing.JPasswordField;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;

import io.mqttload.jmeter.BrokerStatsSampler;
import io.mqttload.jmeter.ConnectSettings;
import io.mqttload.jmeter.Keys;

/** GUI of {@link BrokerStatsSampler}: its own connection to the broker, and the $SYS tree it reads. */
public class BrokerStatsSamplerGui extends MqttSamplerGui<BrokerStatsSampler> {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Broker Statistics";

    private final JTextField server = Form.grow(Form.text(12));
    private final JTextField port = Form.text(7);
    private final JComboBox<String> version = Form.combo(false, Keys.VERSION_3_1_1, Keys.VERSION_3_1,
            Keys.VERSION_3_1_1, Keys.VERSION_5);
    private final JComboBox<String> protocol = Form.combo(false, Keys.PROTOCOL_WSS, Keys.PROTOCOL_TCP,
            Keys.PROTOCOL_SSL, Keys.PROTOCOL_WS, Keys.PROTOCOL_WSS);
    private final JTextField wsPath = Form.text(12);
    private final JTextField caFile = Form.text(20);
    private final JTextField connTimeout = Form.text(5);
    private final JTextField userName = Form.grow(Form.text(10));
    private final JPasswordField password = new JPasswordField(10);
    private final JTextField clientIdPrefix = Form.text(14);
    private final JTextField topicRoot = Form.grow(Form.text(16));
    private final JTextField firstTimeout = Form.text(7);

    public BrokerStatsSamplerGui() {
        super(BrokerStatsSampler.class, "stats");
        fields.text(Keys.SERVER, server, BrokerStatsSampler::getServer, BrokerStatsSampler::setServer,
                Keys.DEFAULT_SERVER);
        fields.text(Keys.PORT, port, BrokerStatsSampler::getPort, BrokerStatsSampler::setPort,
                String.valueOf(Keys.DEFAULT_PORT));
        fields.combo(Keys.VERSION, version, BrokerStatsSampler::getMqttVersion, BrokerStatsSampler::setMqttVersion,
                Keys.VERSION_3_1_1);
        fields.combo(Keys.PROTOCOL, protocol, BrokerStatsSampler::getProtocol, BrokerStatsSampler::setProtocol,
                Keys.PROTOCOL_TCP);
        fields.text(Keys.WS_PATH, wsPath, BrokerStatsSampler::getWsPath, BrokerStatsSampler::setWsPath,
                Keys.DEFAULT_WS_PATH);
        fields.text(Keys.CA_FILE, caFile, BrokerStatsSampler::getCaFile, BrokerStatsSampler::setCaFile, "");
        fields.text(Keys.CONN_TIMEOUT, connTimeout, BrokerStatsSampler::getConnTimeout,
                BrokerStatsSampler::setConnTimeout, String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
        fields.text(Keys.USER_NAME, userName, BrokerStatsSampler::getUserName, BrokerStatsSampler::setUserName, "");
        fields.text(Keys.PASSWORD, password, BrokerStatsSampler::getPassword, BrokerStatsSampler::setPassword, "");
        fields.text(Keys.CLIENT_ID_PREFIX, clientIdPrefix, BrokerStatsSampler::getClientIdPrefix,
                BrokerStatsSampler::setClientIdPrefix, Keys.DEFAULT_STATS_CLIENT_ID_PREFIX);
        fields.text(Keys.SYS_TOPIC_ROOT, topicRoot, BrokerStatsSampler::getTopicRoot,
                BrokerStatsSampler::setTopicRoot, Keys.DEFAULT_SYS_TOPIC_ROOT);
        fields.text(Keys.SYS_FIRST_TIMEOUT, firstTimeout, BrokerStatsSampler::getFirstTimeout,
                BrokerStatsSampler::setFirstTimeout, String.valueOf(Keys.DEFAULT_SYS_FIRST_TIMEOUT_MS));
        VerticalPanel main = new VerticalPanel();
        main.add(new Form("MQTT broker (a connection of this element's own)")
                .row("Server:", server, "Port:", port, "Version:", version, "Protocol:", protocol));
        main.add(new Form("Connection")
                .row("User name:", userName, "Password:", password)
                .row("Client id prefix:", clientIdPrefix, "Connect timeout (s):", connTimeout)
                .row("WebSocket path:", Form.withNote(wsPath, "WS and WSS only; empty = /"))
                .row("CA file (SSL, WSS):", Form.fileField(caFile, ConnectSettings::planDir)));
        main.add(new Form("$SYS statistics")
                .row("Topic root:", Form.withNote(topicRoot, "Mosquitto: $SYS/broker; EMQX: $SYS/brokers"))
                .row("First sample timeout (ms):", Form.withNote(firstTimeout, "then the sample fails")));
        add(main, BorderLayout.CENTER);
        protocol.addActionListener(e -> updateEnabled());
        ready();
    }

    @Override
    protected void updateEnabled() {
        String p = Form.value(protocol).trim().toUpperCase(Locale.ROOT);
        boolean any = Form.variable(protocol);
        Form.applies(any || p.equals(Keys.PROTOCOL_WS) || p.equals(Keys.PROTOCOL_WSS), wsPath);
        Form.applies(any || p.equals(Keys.PROTOCOL_SSL) || p.equals(Keys.PROTOCOL_WSS), caFile);
    }

    @Override
    public String getLabelResource() {
        return "mqttload_broker_stats_title";
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected BrokerStatsSampler newElement() {
        return new BrokerStatsSampler();
    }
}

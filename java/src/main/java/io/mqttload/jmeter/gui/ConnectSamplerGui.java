package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.util.Locale;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTabbedPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;

import io.mqttload.jmeter.ConnectSampler;
import io.mqttload.jmeter.ConnectSettings;
import io.mqttload.jmeter.Keys;

/**
 * GUI of {@link ConnectSampler}, laid out like JMeter's HTTP Request: the broker on one row, the rest in tabs.
 * Fields that do not apply to the chosen protocol, version, will or client certificate are disabled.
 */
public class ConnectSamplerGui extends MqttSamplerGui<ConnectSampler> {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Connect";
    static final String TAB_BASIC = "Basic";
    static final String TAB_TLS = "Authentication & TLS";
    static final String TAB_SESSION = "Session & Will";
    static final String TAB_V5 = "MQTT 5.0";
    static final String TAB_CONNECTIONS = "Connections";

    private final JTextField server = Form.grow(Form.text(12));
    private final JTextField port = Form.text(7);
    private final JComboBox<String> version = Form.combo(false, Keys.VERSION_3_1_1, Keys.VERSION_3_1,
            Keys.VERSION_3_1_1, Keys.VERSION_5);
    private final JComboBox<String> protocol = Form.combo(false, Keys.PROTOCOL_WSS, Keys.PROTOCOL_TCP,
            Keys.PROTOCOL_SSL, Keys.PROTOCOL_WS, Keys.PROTOCOL_WSS);
    private final JTextField connTimeout = Form.text(5);
    private final JTextField wsPath = Form.text(12);
    private final JTextField caFile = Form.text(20);
    private final JCheckBox dualSsl = Form.check("Two-way TLS: send a client certificate");
    private final JTextField clientCertFile = Form.text(20);
    private final JPasswordField clientCertPassword = new JPasswordField(12);
    private final JTextField clientKeyFile = Form.text(20);
    private final JComboBox<String> tlsMinVersion = Form.combo(false, Keys.TLS_1_2, Keys.TLS_1_2, Keys.TLS_1_3);
    private final JTextField tlsServerName = Form.grow(Form.text(12));
    private final JCheckBox tlsVerifyHostname = Form.check("Verify the host name");
    private final JCheckBox tlsTrustAll = Form.check("Trust any certificate (insecure)");
    private final JTextField userName = Form.grow(Form.text(10));
    private final JPasswordField password = new JPasswordField(10);
    private final JTextField clientIdPrefix = Form.text(14);
    private final JCheckBox clientIdSuffix = Form.check("Add a random suffix");
    private final JTextField keepAlive = Form.text(5);
    private final JTextField connAttemptMax = Form.text(5);
    private final JTextField reconnAttemptMax = Form.text(5);
    private final JComboBox<String> cleanSession = Form.combo(true, "false ", "true", "false");
    private final JTextField connCapacity = Form.text(5);
    private final JTextField maxInflight = Form.text(5);
    private final JTextField bindAddress = Form.text(20);
    private final JTextField connectRate = Form.text(7);
    /** Not a property: ticked when the will topic is not empty; unticked saves an empty will topic. */
    private final JCheckBox willOn = Form.check("Send a last will");
    private final JTextField willTopic = Form.grow(Form.text(12));
    private final JTextField willMessage = Form.text(20);
    private final JComboBox<String> willQos = Form.combo(true, "000", "0", "1", "2");
    private final JCheckBox willRetain = Form.check("Retain");
    private final JTextField connectionName = Form.grow(Form.text(10));
    private final JComboBox<String> scope = Form.combo(false, Keys.SCOPE_THREAD, Keys.SCOPE_THREAD,
            Keys.SCOPE_TEST);
    private final JTextField sessionExpiry = Form.text(8);
    private final JTextField receiveMaximum = Form.text(8);
    private final JTextField maximumPacketSize = Form.text(8);
    private final JTextField topicAliasMaximum = Form.text(8);
    private final JCheckBox requestResponseInfo = Form.check("Request response information");
    private final JTextArea userProperties = Form.area(4, 30);
    private final JTextField willDelayInterval = Form.text(6);
    private final JTextField willMessageExpiry = Form.text(6);
    private final JTextField willContentType = Form.text(12);
    private final JLabel v5Note = Form.note("");
    private final JTabbedPane tabs = new JTabbedPane();

    public ConnectSamplerGui() {
        super(ConnectSampler.class, "connect");
        bind();
        Form broker = new Form("MQTT broker");
        broker.row("Server:", server, "Port:", port, "Version:", version, "Protocol:", protocol);
        JPanel main = new JPanel(new BorderLayout());
        main.add(broker, BorderLayout.NORTH);
        tabs.addTab(TAB_BASIC, top(basicTab()));
        tabs.addTab(TAB_TLS, top(tlsTab()));
        tabs.addTab(TAB_SESSION, top(sessionTab()));
        tabs.addTab(TAB_V5, top(v5Tab()));
        tabs.addTab(TAB_CONNECTIONS, top(connectionsTab()));
        main.add(tabs, BorderLayout.CENTER);
        add(main, BorderLayout.CENTER);
        protocol.addActionListener(e -> updateEnabled());
        version.addActionListener(e -> updateEnabled());
        dualSsl.addItemListener(e -> updateEnabled());
        tlsTrustAll.addItemListener(e -> updateEnabled());
        willOn.addItemListener(e -> updateEnabled());
        ready();
    }

    /** In the order the previous GUI wrote them, so a new element saves its properties in the same order. */
    private void bind() {
        fields.text(Keys.SERVER, server, ConnectSampler::getServer, ConnectSampler::setServer, Keys.DEFAULT_SERVER);
        fields.text(Keys.PORT, port, ConnectSampler::getPort, ConnectSampler::setPort,
                String.valueOf(Keys.DEFAULT_PORT));
        fields.combo(Keys.VERSION, version, ConnectSampler::getMqttVersion, ConnectSampler::setMqttVersion,
                Keys.DEFAULT_VERSION);
        fields.text(Keys.CONN_TIMEOUT, connTimeout, ConnectSampler::getConnTimeout, ConnectSampler::setConnTimeout,
                String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
        fields.combo(Keys.PROTOCOL, protocol, ConnectSampler::getProtocol, ConnectSampler::setProtocol,
                Keys.PROTOCOL_TCP);
        fields.text(Keys.WS_PATH, wsPath, ConnectSampler::getWsPath, ConnectSampler::setWsPath,
                Keys.DEFAULT_WS_PATH);
        fields.text(Keys.CA_FILE, caFile, ConnectSampler::getCaFile, ConnectSampler::setCaFile, "");
        fields.check(Keys.DUAL_SSL_AUTHENTICATION, dualSsl, ConnectSampler::isDualSslAuthentication,
                ConnectSampler::setDualSslAuthentication, false);
        fields.text(Keys.CLIENT_CERT_FILE_PATH, clientCertFile, ConnectSampler::getClientCertFile,
                ConnectSampler::setClientCertFile, "");
        fields.text(Keys.CLIENT_CERT_PASSWORD, clientCertPassword, ConnectSampler::getClientCertPassword,
                ConnectSampler::setClientCertPassword, "");
        fields.text(Keys.CLIENT_KEY_FILE, clientKeyFile, ConnectSampler::getClientKeyFile,
                ConnectSampler::setClientKeyFile, "");
        fields.combo(Keys.TLS_MIN_VERSION, tlsMinVersion, ConnectSampler::getTlsMinVersion,
                ConnectSampler::setTlsMinVersion, Keys.DEFAULT_TLS_MIN_VERSION);
        fields.text(Keys.TLS_SERVER_NAME, tlsServerName, ConnectSampler::getTlsServerName,
                ConnectSampler::setTlsServerName, "");
        fields.check(Keys.TLS_VERIFY_HOSTNAME, tlsVerifyHostname, ConnectSampler::isTlsVerifyHostname,
                ConnectSampler::setTlsVerifyHostname, true);
        fields.check(Keys.TLS_TRUST_ALL, tlsTrustAll, ConnectSampler::isTlsTrustAll, ConnectSampler::setTlsTrustAll,
                false);
        fields.text(Keys.USER_NAME, userName, ConnectSampler::getUserName, ConnectSampler::setUserName, "");
        fields.text(Keys.PASSWORD, password, ConnectSampler::getPassword, ConnectSampler::setPassword, "");
        fields.text(Keys.CLIENT_ID_PREFIX, clientIdPrefix, ConnectSampler::getClientIdPrefix,
                ConnectSampler::setClientIdPrefix, Keys.DEFAULT_CLIENT_ID_PREFIX);
        fields.check(Keys.CLIENT_ID_SUFFIX, clientIdSuffix, ConnectSampler::isClientIdSuffix,
                ConnectSampler::setClientIdSuffix, true);
        fields.text(Keys.CONN_KEEP_ALIVE, keepAlive, ConnectSampler::getKeepAlive, ConnectSampler::setKeepAlive,
                String.valueOf(Keys.DEFAULT_KEEP_ALIVE));
        fields.text(Keys.CONN_ATTEMPT_MAX, connAttemptMax, ConnectSampler::getConnAttemptMax,
                ConnectSampler::setConnAttemptMax, "0");
        fields.text(Keys.RECONN_ATTEMPT_MAX, reconnAttemptMax, ConnectSampler::getReconnAttemptMax,
                ConnectSampler::setReconnAttemptMax, "0");
        fields.combo(Keys.CONN_CLEAN_SESSION, cleanSession, ConnectSampler::getCleanSession,
                ConnectSampler::setCleanSession, "true");
        fields.text(Keys.CONN_CAPACITY, connCapacity, ConnectSampler::getConnCapacity,
                ConnectSampler::setConnCapacity, "1");
        fields.text(Keys.MAX_INFLIGHT, maxInflight, ConnectSampler::getMaxInflight, ConnectSampler::setMaxInflight,
                "");
        fields.text(Keys.BIND_ADDRESS, bindAddress, ConnectSampler::getBindAddress, ConnectSampler::setBindAddress,
                "");
        fields.text(Keys.CONNECT_RATE, connectRate, ConnectSampler::getConnectRate, ConnectSampler::setConnectRate,
                "");
        fields.add(Keys.WILL_TOPIC, willTopic, s -> {
            willTopic.setText(s.getWillTopic());
            willOn.setSelected(!s.getWillTopic().isEmpty());
        }, s -> s.setWillTopic(willOn.isSelected() ? willTopic.getText() : ""), () -> {
            willTopic.setText("");
            willOn.setSelected(false);
        });
        willOn.setToolTipText(Help.tip("Whether CONNECT carries a last will. Not a property of its own: unticked"
                + " saves an empty will topic, which means no will.", "unticked (no will)", Keys.WILL_TOPIC));
        fields.text(Keys.WILL_MESSAGE, willMessage, ConnectSampler::getWillMessage, ConnectSampler::setWillMessage,
                "");
        fields.combo(Keys.WILL_QOS, willQos, ConnectSampler::getWillQos, ConnectSampler::setWillQos, "0");
        fields.check(Keys.WILL_RETAIN, willRetain, ConnectSampler::isWillRetain, ConnectSampler::setWillRetain,
                false);
        fields.text(Keys.CONNECTION_NAME, connectionName, ConnectSampler::getConnectionName,
                ConnectSampler::setConnectionName, "");
        fields.combo(Keys.CONNECTION_SCOPE, scope, ConnectSampler::getConnectionScope,
                ConnectSampler::setConnectionScope, Keys.SCOPE_THREAD);
        fields.text(Keys.SESSION_EXPIRY, sessionExpiry, ConnectSampler::getSessionExpiry,
                ConnectSampler::setSessionExpiry, String.valueOf(Keys.DEFAULT_SESSION_EXPIRY));
        fields.text(Keys.RECEIVE_MAXIMUM, receiveMaximum, ConnectSampler::getReceiveMaximum,
                ConnectSampler::setReceiveMaximum, String.valueOf(Keys.DEFAULT_RECEIVE_MAXIMUM));
        fields.text(Keys.MAXIMUM_PACKET_SIZE, maximumPacketSize, ConnectSampler::getMaximumPacketSize,
                ConnectSampler::setMaximumPacketSize, String.valueOf(Keys.DEFAULT_MAXIMUM_PACKET_SIZE));
        fields.text(Keys.TOPIC_ALIAS_MAXIMUM, topicAliasMaximum, ConnectSampler::getTopicAliasMaximum,
                ConnectSampler::setTopicAliasMaximum, String.valueOf(Keys.DEFAULT_TOPIC_ALIAS_MAXIMUM));
        fields.check(Keys.REQUEST_RESPONSE_INFO, requestResponseInfo, ConnectSampler::isRequestResponseInfo,
                ConnectSampler::setRequestResponseInfo, false);
        fields.text(Keys.USER_PROPERTIES, userProperties, ConnectSampler::getUserProperties,
                ConnectSampler::setUserProperties, "");
        fields.text(Keys.WILL_DELAY_INTERVAL, willDelayInterval, ConnectSampler::getWillDelayInterval,
                ConnectSampler::setWillDelayInterval, "0");
        fields.text(Keys.WILL_MESSAGE_EXPIRY, willMessageExpiry, ConnectSampler::getWillMessageExpiry,
                ConnectSampler::setWillMessageExpiry, "0");
        fields.text(Keys.WILL_CONTENT_TYPE, willContentType, ConnectSampler::getWillContentType,
                ConnectSampler::setWillContentType, "");
    }

    private Form basicTab() {
        return new Form()
                .row("Client id prefix:", clientIdPrefix, null, clientIdSuffix)
                .row("Keep alive (s):", keepAlive, "Connect timeout (s):", connTimeout)
                .row("Connect attempts:", connAttemptMax, "Reconnect attempts:",
                        Form.withNote(reconnAttemptMax, "-1 = forever"))
                .row("WebSocket path:", Form.withNote(wsPath, "WS and WSS only; empty = /"));
    }

    private JPanel tlsTab() {
        VerticalPanel p = new VerticalPanel();
        p.add(new Form("Credentials").row("User name:", userName, "Password:", password));
        p.add(new Form("TLS (SSL and WSS; relative paths: the test plan's folder)")
                .row("CA file:", Form.fileField(caFile, ConnectSettings::planDir))
                .row("Server name (SNI):", tlsServerName, "Minimum version:", tlsMinVersion)
                .row(null, Form.line(tlsVerifyHostname, tlsTrustAll)));
        p.add(new Form("Client certificate")
                .row(null, dualSsl)
                .row("Certificate:", Form.fileField(clientCertFile, ConnectSettings::planDir))
                .row("PKCS#12 password:", clientCertPassword)
                .row("Key file (PEM):", Form.fileField(clientKeyFile, ConnectSettings::planDir)));
        return p;
    }

    private JPanel sessionTab() {
        VerticalPanel p = new VerticalPanel();
        p.add(new Form("Session").row("Clean session:",
                Form.withNote(cleanSession, "false resumes the session of the same client ids")));
        p.add(new Form("Last will")
                .row(null, willOn)
                .row("Topic:", willTopic, "QoS:", willQos, null, willRetain)
                .row("Message:", willMessage));
        p.add(new Form("Will properties (MQTT 5.0)")
                .row("Delay interval (s):", willDelayInterval, "Message expiry (s):", willMessageExpiry)
                .row("Content type:", willContentType));
        return p;
    }

    private JPanel v5Tab() {
        VerticalPanel p = new VerticalPanel();
        p.add(new Form().full(v5Note));
        p.add(new Form("Session and flow")
                .row("Session expiry (s):", sessionExpiry, "Receive maximum:", receiveMaximum)
                .row("Maximum packet size:", maximumPacketSize, "Topic alias maximum:", topicAliasMaximum)
                .row(null, requestResponseInfo));
        p.add(new Form("CONNECT user properties (name=value, one per line)").row(null, userProperties));
        return p;
    }

    private Form connectionsTab() {
        return new Form()
                .row("Connections per thread:", connCapacity, "QoS 1/2 in flight:",
                        Form.withNote(maxInflight, "empty = auto"))
                .row("Connection name:", connectionName, "Scope:", scope)
                .row("Connect rate (per s):", Form.withNote(connectRate, "a ramp; empty = all at once"))
                .row("Local addresses:", Form.withNote(bindAddress, "empty = the system's choice"));
    }

    /** Keeps a tab's content at the top of the tab (the tallest tab sets the height of all). */
    private static JPanel top(JPanel content) {
        JPanel p = new JPanel(new BorderLayout());
        p.add(content, BorderLayout.NORTH);
        return p;
    }

    /** A ${variable} in a combo could become anything, so everything it governs stays editable. */
    @Override
    protected void updateEnabled() {
        String p = Form.value(protocol).trim().toUpperCase(Locale.ROOT);
        boolean anyProtocol = Form.variable(protocol);
        boolean tls = anyProtocol || p.equals(Keys.PROTOCOL_SSL) || p.equals(Keys.PROTOCOL_WSS);
        boolean ws = anyProtocol || p.equals(Keys.PROTOCOL_WS) || p.equals(Keys.PROTOCOL_WSS);
        boolean v5 = Form.variable(version) || Form.value(version).trim().equals(Keys.VERSION_5);
        boolean will = willOn.isSelected();
        Form.applies(ws, wsPath);
        Form.applies(tls, tlsServerName, tlsMinVersion, tlsTrustAll, dualSsl);
        Form.applies(tls && !tlsTrustAll.isSelected(), caFile, tlsVerifyHostname);
        Form.applies(tls && dualSsl.isSelected(), clientCertFile, clientCertPassword, clientKeyFile);
        Form.applies(v5, sessionExpiry, receiveMaximum, maximumPacketSize, topicAliasMaximum,
                requestResponseInfo, userProperties);
        Form.applies(will, willTopic, willMessage, willQos, willRetain);
        Form.applies(will && v5, willDelayInterval, willMessageExpiry, willContentType);
        v5Note.setText(v5 ? "Sent in CONNECT when the connection is MQTT 5.0."
                : "These apply to MQTT 5.0 only: choose version 5.0 above to edit them.");
    }

    /** For tests: whether the MQTT 5.0 fields are editable. */
    boolean v5Enabled() {
        return sessionExpiry.isEnabled() && userProperties.isEnabled();
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected ConnectSampler newElement() {
        return new ConnectSampler();
    }
}

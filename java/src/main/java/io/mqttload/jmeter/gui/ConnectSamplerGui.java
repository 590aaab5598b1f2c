package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Container;
import java.util.Locale;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JPasswordField;
import javax.swing.JTextArea;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jmeter.ConnectSampler;
import io.mqttload.jmeter.ConnectSettings;
import io.mqttload.jmeter.Keys;

/** GUI of {@link ConnectSampler}. */
public class ConnectSamplerGui extends MqttSamplerGui {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Connect";

    private final JTextField server = Form.text(20);
    private final JTextField port = Form.text(6);
    private final JComboBox<String> version = Form.combo(false, Keys.VERSION_3_1, Keys.VERSION_3_1_1,
            Keys.VERSION_5);
    private final JTextField connTimeout = Form.text(6);
    private final JComboBox<String> protocol = Form.combo(false, Keys.PROTOCOL_TCP, Keys.PROTOCOL_SSL,
            Keys.PROTOCOL_WS, Keys.PROTOCOL_WSS);
    private final JTextField wsPath = Form.text(20);
    private final Form tls;
    private final JTextField caFile = Form.text(30);
    private final JCheckBox dualSsl = new JCheckBox("Two-way TLS: send a client certificate");
    private final JTextField clientCertFile = Form.text(30);
    private final JPasswordField clientCertPassword = new JPasswordField(20);
    private final JTextField clientKeyFile = Form.text(30);
    private final JComboBox<String> tlsMinVersion = Form.combo(false, Keys.TLS_1_2, Keys.TLS_1_3);
    private final JTextField tlsServerName = Form.text(20);
    private final JCheckBox tlsVerifyHostname = new JCheckBox("Verify host name");
    private final JCheckBox tlsTrustAll = new JCheckBox("Trust any certificate (insecure)");
    private final JTextField userName = Form.text(20);
    private final JPasswordField password = new JPasswordField(20);
    private final JTextField clientIdPrefix = Form.text(20);
    private final JCheckBox clientIdSuffix = new JCheckBox("Add a random suffix to the client id");
    private final JTextField keepAlive = Form.text(6);
    private final JTextField connAttemptMax = Form.text(6);
    private final JTextField reconnAttemptMax = Form.text(6);
    private final JComboBox<String> cleanSession = Form.combo(true, "true", "false");
    private final JTextField connCapacity = Form.text(6);
    private final JTextField maxInflight = Form.text(6);
    private final JTextField willTopic = Form.text(20);
    private final JTextField willMessage = Form.text(20);
    private final JComboBox<String> willQos = Form.combo(true, "0", "1", "2");
    private final JCheckBox willRetain = new JCheckBox("Retain the will message");
    private final JTextField connectionName = Form.text(20);
    private final JComboBox<String> scope = Form.combo(false, Keys.SCOPE_THREAD, Keys.SCOPE_TEST);
    private final Form v5;
    private final JTextField sessionExpiry = Form.text(10);
    private final JTextField receiveMaximum = Form.text(6);
    private final JTextField maximumPacketSize = Form.text(10);
    private final JTextField topicAliasMaximum = Form.text(6);
    private final JCheckBox requestResponseInfo = new JCheckBox("Request response information");
    private final JTextArea userProperties = new JTextArea(4, 30);
    private final JTextField willDelayInterval = Form.text(10);
    private final JTextField willMessageExpiry = Form.text(10);
    private final JTextField willContentType = Form.text(20);

    public ConnectSamplerGui() {
        VerticalPanel main = new VerticalPanel();
        Form broker = new Form("Broker");
        broker.row("Server (host):", server);
        broker.row("Port:", port);
        broker.row("MQTT version:", version);
        broker.row("Protocol:", protocol);
        broker.row("WebSocket path (WS, WSS; empty = /):", wsPath);
        broker.row("Connect timeout (s):", connTimeout);
        main.add(broker);
        tls = new Form("TLS (SSL and WSS; relative paths: the test plan's folder)");
        tls.row("CA file (PEM; empty = the system's):", Form.fileField(caFile, ConnectSettings::planDir));
        tls.row("", dualSsl);
        tls.row("Client certificate (PKCS#12 or PEM):", Form.fileField(clientCertFile, ConnectSettings::planDir));
        tls.row("Client certificate password (PKCS#12):", clientCertPassword);
        tls.row("Client key file (PEM):", Form.fileField(clientKeyFile, ConnectSettings::planDir));
        tls.row("Minimum TLS version:", tlsMinVersion);
        tls.row("Server name (SNI; empty = the server):", tlsServerName);
        tls.row("", tlsVerifyHostname);
        tls.row("", tlsTrustAll);
        main.add(tls);
        Form auth = new Form("Client");
        auth.row("User name:", userName);
        auth.row("Password:", password);
        auth.row("Client id prefix:", clientIdPrefix);
        auth.row("", clientIdSuffix);
        auth.row("Keep alive (s):", keepAlive);
        auth.row("Clean session:", cleanSession);
        auth.row("Connect attempts max (-1 = forever):", connAttemptMax);
        auth.row("Reconnect attempts max (-1 = forever):", reconnAttemptMax);
        main.add(auth);
        Form will = new Form("Last will (empty topic = none)");
        will.row("Will topic:", willTopic);
        will.row("Will message:", willMessage);
        will.row("Will QoS:", willQos);
        will.row("", willRetain);
        main.add(will);
        v5 = new Form("MQTT 5.0");
        v5.row("Session expiry interval (s; 0 = ends with the connection):", sessionExpiry);
        v5.row("Receive maximum (1-65535):", receiveMaximum);
        v5.row("Maximum packet size (bytes; 0 = no limit):", maximumPacketSize);
        v5.row("Topic alias maximum (0 = none):", topicAliasMaximum);
        v5.row("", requestResponseInfo);
        v5.row("User properties (name=value per line):", userProperties);
        v5.row("Will delay interval (s):", willDelayInterval);
        v5.row("Will message expiry (s; 0 = none):", willMessageExpiry);
        v5.row("Will content type:", willContentType);
        main.add(v5);
        Form group = new Form("Connection group");
        group.row("Connections per thread:", connCapacity);
        group.row("QoS 1/2 in flight (empty = auto):", maxInflight);
        group.row("Connection name (empty = the thread's):", connectionName);
        group.row("Scope:", scope);
        main.add(group);
        add(main, BorderLayout.CENTER);
        protocol.addActionListener(e -> updateEnabled());
        version.addActionListener(e -> updateEnabled());
        clearFields();
    }

    /**
     * TLS settings are editable for SSL and WSS, the WebSocket path for WS and WSS, the MQTT 5.0 panel for version
     * 5.0 (all for a ${variable}).
     */
    private void updateEnabled() {
        String p = Form.value(protocol).trim().toUpperCase(Locale.ROOT);
        boolean known = p.equals(Keys.PROTOCOL_TCP) || p.equals(Keys.PROTOCOL_SSL) || p.equals(Keys.PROTOCOL_WS)
                || p.equals(Keys.PROTOCOL_WSS);
        setEnabledDeep(tls, !known || p.equals(Keys.PROTOCOL_SSL) || p.equals(Keys.PROTOCOL_WSS));
        wsPath.setEnabled(!known || p.equals(Keys.PROTOCOL_WS) || p.equals(Keys.PROTOCOL_WSS));
        String v = Form.value(version).trim();
        setEnabledDeep(v5, v.equals(Keys.VERSION_5) || v.contains("${"));
    }

    /** For tests: whether the MQTT 5.0 panel is editable. */
    boolean v5Enabled() {
        return v5.isEnabled() && sessionExpiry.isEnabled() && userProperties.isEnabled();
    }

    private static void setEnabledDeep(Component c, boolean enabled) {
        c.setEnabled(enabled);
        if (c instanceof Container) {
            for (Component child : ((Container) c).getComponents()) {
                setEnabledDeep(child, enabled);
            }
        }
    }

    @Override
    protected String label() {
        return LABEL;
    }

    @Override
    protected TestElement newElement() {
        return new ConnectSampler();
    }

    @Override
    public void modifyTestElement(TestElement element) {
        configureTestElement(element);
        ConnectSampler s = (ConnectSampler) element;
        s.setServer(server.getText());
        s.setPort(port.getText());
        s.setMqttVersion(Form.value(version));
        s.setConnTimeout(connTimeout.getText());
        s.setProtocol(Form.value(protocol));
        s.setWsPath(wsPath.getText());
        s.setCaFile(caFile.getText());
        s.setDualSslAuthentication(dualSsl.isSelected());
        s.setClientCertFile(clientCertFile.getText());
        s.setClientCertPassword(new String(clientCertPassword.getPassword()));
        s.setClientKeyFile(clientKeyFile.getText());
        s.setTlsMinVersion(Form.value(tlsMinVersion));
        s.setTlsServerName(tlsServerName.getText());
        s.setTlsVerifyHostname(tlsVerifyHostname.isSelected());
        s.setTlsTrustAll(tlsTrustAll.isSelected());
        s.setUserName(userName.getText());
        s.setPassword(new String(password.getPassword()));
        s.setClientIdPrefix(clientIdPrefix.getText());
        s.setClientIdSuffix(clientIdSuffix.isSelected());
        s.setKeepAlive(keepAlive.getText());
        s.setConnAttemptMax(connAttemptMax.getText());
        s.setReconnAttemptMax(reconnAttemptMax.getText());
        s.setCleanSession(Form.value(cleanSession));
        s.setConnCapacity(connCapacity.getText());
        s.setMaxInflight(maxInflight.getText());
        s.setWillTopic(willTopic.getText());
        s.setWillMessage(willMessage.getText());
        s.setWillQos(Form.value(willQos));
        s.setWillRetain(willRetain.isSelected());
        s.setConnectionName(connectionName.getText());
        s.setConnectionScope(Form.value(scope));
        s.setSessionExpiry(sessionExpiry.getText());
        s.setReceiveMaximum(receiveMaximum.getText());
        s.setMaximumPacketSize(maximumPacketSize.getText());
        s.setTopicAliasMaximum(topicAliasMaximum.getText());
        s.setRequestResponseInfo(requestResponseInfo.isSelected());
        s.setUserProperties(userProperties.getText());
        s.setWillDelayInterval(willDelayInterval.getText());
        s.setWillMessageExpiry(willMessageExpiry.getText());
        s.setWillContentType(willContentType.getText());
    }

    @Override
    public void configure(TestElement element) {
        super.configure(element);
        ConnectSampler s = (ConnectSampler) element;
        server.setText(s.getServer());
        port.setText(s.getPort());
        Form.select(version, s.getMqttVersion());
        connTimeout.setText(s.getConnTimeout());
        Form.select(protocol, s.getProtocol());
        wsPath.setText(s.getWsPath());
        caFile.setText(s.getCaFile());
        dualSsl.setSelected(s.isDualSslAuthentication());
        clientCertFile.setText(s.getClientCertFile());
        clientCertPassword.setText(s.getClientCertPassword());
        clientKeyFile.setText(s.getClientKeyFile());
        Form.select(tlsMinVersion, s.getTlsMinVersion());
        tlsServerName.setText(s.getTlsServerName());
        tlsVerifyHostname.setSelected(s.isTlsVerifyHostname());
        tlsTrustAll.setSelected(s.isTlsTrustAll());
        userName.setText(s.getUserName());
        password.setText(s.getPassword());
        clientIdPrefix.setText(s.getClientIdPrefix());
        clientIdSuffix.setSelected(s.isClientIdSuffix());
        keepAlive.setText(s.getKeepAlive());
        connAttemptMax.setText(s.getConnAttemptMax());
        reconnAttemptMax.setText(s.getReconnAttemptMax());
        Form.select(cleanSession, s.getCleanSession());
        connCapacity.setText(s.getConnCapacity());
        maxInflight.setText(s.getMaxInflight());
        willTopic.setText(s.getWillTopic());
        willMessage.setText(s.getWillMessage());
        Form.select(willQos, s.getWillQos());
        willRetain.setSelected(s.isWillRetain());
        connectionName.setText(s.getConnectionName());
        Form.select(scope, s.getConnectionScope());
        sessionExpiry.setText(s.getSessionExpiry());
        receiveMaximum.setText(s.getReceiveMaximum());
        maximumPacketSize.setText(s.getMaximumPacketSize());
        topicAliasMaximum.setText(s.getTopicAliasMaximum());
        requestResponseInfo.setSelected(s.isRequestResponseInfo());
        userProperties.setText(s.getUserProperties());
        willDelayInterval.setText(s.getWillDelayInterval());
        willMessageExpiry.setText(s.getWillMessageExpiry());
        willContentType.setText(s.getWillContentType());
        updateEnabled();
    }

    @Override
    protected void clearFields() {
        server.setText(Keys.DEFAULT_SERVER);
        port.setText(String.valueOf(Keys.DEFAULT_PORT));
        Form.select(version, Keys.DEFAULT_VERSION);
        connTimeout.setText(String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
        Form.select(protocol, Keys.PROTOCOL_TCP);
        wsPath.setText(Keys.DEFAULT_WS_PATH);
        caFile.setText("");
        dualSsl.setSelected(false);
        clientCertFile.setText("");
        clientCertPassword.setText("");
        clientKeyFile.setText("");
        Form.select(tlsMinVersion, Keys.DEFAULT_TLS_MIN_VERSION);
        tlsServerName.setText("");
        tlsVerifyHostname.setSelected(true);
        tlsTrustAll.setSelected(false);
        userName.setText("");
        password.setText("");
        clientIdPrefix.setText(Keys.DEFAULT_CLIENT_ID_PREFIX);
        clientIdSuffix.setSelected(true);
        keepAlive.setText(String.valueOf(Keys.DEFAULT_KEEP_ALIVE));
        connAttemptMax.setText("0");
        reconnAttemptMax.setText("0");
        Form.select(cleanSession, "true");
        connCapacity.setText("1");
        maxInflight.setText("");
        willTopic.setText("");
        willMessage.setText("");
        Form.select(willQos, "0");
        willRetain.setSelected(false);
        connectionName.setText("");
        Form.select(scope, Keys.SCOPE_THREAD);
        sessionExpiry.setText(String.valueOf(Keys.DEFAULT_SESSION_EXPIRY));
        receiveMaximum.setText(String.valueOf(Keys.DEFAULT_RECEIVE_MAXIMUM));
        maximumPacketSize.setText(String.valueOf(Keys.DEFAULT_MAXIMUM_PACKET_SIZE));
        topicAliasMaximum.setText(String.valueOf(Keys.DEFAULT_TOPIC_ALIAS_MAXIMUM));
        requestResponseInfo.setSelected(false);
        userProperties.setText("");
        willDelayInterval.setText("0");
        willMessageExpiry.setText("0");
        willContentType.setText("");
        updateEnabled();
    }
}

package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JPasswordField;
import javax.swing.JTextField;

import org.apache.jmeter.gui.util.VerticalPanel;
import org.apache.jmeter.samplers.gui.AbstractSamplerGui;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jmeter.ConnectSampler;
import io.mqttload.jmeter.Keys;

/** GUI of {@link ConnectSampler}. */
public class ConnectSamplerGui extends AbstractSamplerGui {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "MQTT Connect";

    private final JTextField server = Form.text(20);
    private final JTextField port = Form.text(6);
    private final JComboBox<String> version = Form.combo(false, "3.1", "3.1.1");
    private final JTextField connTimeout = Form.text(6);
    private final JComboBox<String> protocol = Form.combo(false, Keys.PROTOCOL_TCP);
    private final JTextField userName = Form.text(20);
    private final JPasswordField password = new JPasswordField(20);
    private final JTextField clientIdPrefix = Form.text(20);
    private final JCheckBox clientIdSuffix = new JCheckBox("Add a random suffix to the client id");
    private final JTextField keepAlive = Form.text(6);
    private final JTextField connAttemptMax = Form.text(6);
    private final JTextField reconnAttemptMax = Form.text(6);
    private final JComboBox<String> cleanSession = Form.combo(true, "true", "false");
    private final JTextField connCapacity = Form.text(6);
    private final JTextField willTopic = Form.text(20);
    private final JTextField willMessage = Form.text(20);
    private final JComboBox<String> willQos = Form.combo(true, "0", "1", "2");
    private final JCheckBox willRetain = new JCheckBox("Retain the will message");
    private final JTextField connectionName = Form.text(20);
    private final JComboBox<String> scope = Form.combo(false, Keys.SCOPE_THREAD, Keys.SCOPE_TEST);

    public ConnectSamplerGui() {
        setLayout(new BorderLayout());
        setBorder(makeBorder());
        add(makeTitlePanel(), BorderLayout.NORTH);
        VerticalPanel main = new VerticalPanel();
        Form broker = new Form("Broker");
        broker.row("Server (host):", server);
        broker.row("Port:", port);
        broker.row("MQTT version:", version);
        broker.row("Transport:", protocol);
        broker.row("Connect timeout (s):", connTimeout);
        main.add(broker);
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
        Form group = new Form("Connection group");
        group.row("Connections per thread:", connCapacity);
        group.row("Connection name (empty = the thread's):", connectionName);
        group.row("Scope:", scope);
        main.add(group);
        add(main, BorderLayout.CENTER);
        clearFields();
    }

    @Override
    public String getLabelResource() {
        return "mqttload_connect_title";
    }

    @Override
    public String getStaticLabel() {
        return LABEL;
    }

    @Override
    public TestElement createTestElement() {
        ConnectSampler s = new ConnectSampler();
        modifyTestElement(s);
        return s;
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
        s.setUserName(userName.getText());
        s.setPassword(new String(password.getPassword()));
        s.setClientIdPrefix(clientIdPrefix.getText());
        s.setClientIdSuffix(clientIdSuffix.isSelected());
        s.setKeepAlive(keepAlive.getText());
        s.setConnAttemptMax(connAttemptMax.getText());
        s.setReconnAttemptMax(reconnAttemptMax.getText());
        s.setCleanSession(Form.value(cleanSession));
        s.setConnCapacity(connCapacity.getText());
        s.setWillTopic(willTopic.getText());
        s.setWillMessage(willMessage.getText());
        s.setWillQos(Form.value(willQos));
        s.setWillRetain(willRetain.isSelected());
        s.setConnectionName(connectionName.getText());
        s.setConnectionScope(Form.value(scope));
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
        userName.setText(s.getUserName());
        password.setText(s.getPassword());
        clientIdPrefix.setText(s.getClientIdPrefix());
        clientIdSuffix.setSelected(s.isClientIdSuffix());
        keepAlive.setText(s.getKeepAlive());
        connAttemptMax.setText(s.getConnAttemptMax());
        reconnAttemptMax.setText(s.getReconnAttemptMax());
        Form.select(cleanSession, s.getCleanSession());
        connCapacity.setText(s.getConnCapacity());
        willTopic.setText(s.getWillTopic());
        willMessage.setText(s.getWillMessage());
        Form.select(willQos, s.getWillQos());
        willRetain.setSelected(s.isWillRetain());
        connectionName.setText(s.getConnectionName());
        Form.select(scope, s.getConnectionScope());
    }

    @Override
    public void clearGui() {
        super.clearGui();
        clearFields();
    }

    private void clearFields() {
        server.setText(Keys.DEFAULT_SERVER);
        port.setText(String.valueOf(Keys.DEFAULT_PORT));
        Form.select(version, Keys.DEFAULT_VERSION);
        connTimeout.setText(String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
        Form.select(protocol, Keys.PROTOCOL_TCP);
        userName.setText("");
        password.setText("");
        clientIdPrefix.setText(Keys.DEFAULT_CLIENT_ID_PREFIX);
        clientIdSuffix.setSelected(true);
        keepAlive.setText(String.valueOf(Keys.DEFAULT_KEEP_ALIVE));
        connAttemptMax.setText("0");
        reconnAttemptMax.setText("0");
        Form.select(cleanSession, "true");
        connCapacity.setText("1");
        willTopic.setText("");
        willMessage.setText("");
        Form.select(willQos, "0");
        willRetain.setSelected(false);
        connectionName.setText("");
        Form.select(scope, Keys.SCOPE_THREAD);
    }
}

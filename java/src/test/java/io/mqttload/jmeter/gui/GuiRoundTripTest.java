package io.mqttload.jmeter.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.HeadlessException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.jmeter.samplers.gui.AbstractSamplerGui;
import org.apache.jmeter.testelement.TestElement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mqttload.jmeter.ConnectSampler;
import io.mqttload.jmeter.BrokerStatsSampler;
import io.mqttload.jmeter.DisconnectSampler;
import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.PublishSampler;
import io.mqttload.jmeter.SubscribeSampler;

/**
 * configure(element) then modifyTestElement(copy) keeps every property. Swing text components work without a
 * display; if this JVM cannot create them at all, the test is skipped.
 */
class GuiRoundTripTest {
    private static <G extends AbstractSamplerGui> G gui(Supplier<G> make) {
        try {
            return make.get();
        } catch (HeadlessException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            Assumptions.abort("no usable AWT here: " + e);
            return null;
        }
    }

    private static void roundTrip(AbstractSamplerGui gui, TestElement source, TestElement target,
                                  Map<String, String> props, String label) {
        assertEquals(label, gui.getStaticLabel());
        source.setName("my sampler");
        props.forEach(source::setProperty);
        gui.configure(source);
        gui.modifyTestElement(target);
        assertEquals("my sampler", target.getName());
        props.forEach((k, v) -> assertEquals(v, target.getPropertyAsString(k), k));
        assertEquals(source.getClass(), gui.createTestElement().getClass());
        gui.clearGui();
    }

    @Test
    void connect() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.SERVER, "broker");
        p.put(Keys.PORT, "${port}");
        p.put(Keys.VERSION, "3.1.1");
        p.put(Keys.CONN_TIMEOUT, "7");
        p.put(Keys.PROTOCOL, "WSS");
        p.put(Keys.WS_PATH, "/mqtt");
        p.put(Keys.CA_FILE, "certs/ca.pem");
        p.put(Keys.DUAL_SSL_AUTHENTICATION, "true");
        p.put(Keys.CLIENT_CERT_FILE_PATH, "/abs/client.p12");
        p.put(Keys.CLIENT_CERT_PASSWORD, "p12pw");
        p.put(Keys.CLIENT_KEY_FILE, "client.key");
        p.put(Keys.TLS_MIN_VERSION, "1.3");
        p.put(Keys.TLS_SERVER_NAME, "broker.example");
        p.put(Keys.TLS_VERIFY_HOSTNAME, "false");
        p.put(Keys.TLS_TRUST_ALL, "true");
        p.put(Keys.USER_NAME, "bob");
        p.put(Keys.PASSWORD, "pw");
        p.put(Keys.CLIENT_ID_PREFIX, "x_");
        p.put(Keys.CLIENT_ID_SUFFIX, "false");
        p.put(Keys.CONN_KEEP_ALIVE, "30");
        p.put(Keys.CONN_ATTEMPT_MAX, "2");
        p.put(Keys.RECONN_ATTEMPT_MAX, "-1");
        p.put(Keys.CONN_CLEAN_SESSION, "${clean}");
        p.put(Keys.CONN_CAPACITY, "10");
        p.put(Keys.WILL_TOPIC, "w");
        p.put(Keys.WILL_MESSAGE, "bye");
        p.put(Keys.WILL_QOS, "1");
        p.put(Keys.WILL_RETAIN, "true");
        p.put(Keys.CONNECTION_NAME, "pool");
        p.put(Keys.CONNECTION_SCOPE, "test");
        roundTrip(gui(ConnectSamplerGui::new), new ConnectSampler(), new ConnectSampler(), p, "MQTT Connect");
    }

    @Test
    void connectV5() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.VERSION, "5.0");
        p.put(Keys.SESSION_EXPIRY, "3600");
        p.put(Keys.RECEIVE_MAXIMUM, "${recvmax}");
        p.put(Keys.MAXIMUM_PACKET_SIZE, "1048576");
        p.put(Keys.TOPIC_ALIAS_MAXIMUM, "10");
        p.put(Keys.REQUEST_RESPONSE_INFO, "true");
        p.put(Keys.USER_PROPERTIES, "source=mqttload\nrun=${__time()}");
        p.put(Keys.WILL_DELAY_INTERVAL, "5");
        p.put(Keys.WILL_MESSAGE_EXPIRY, "60");
        p.put(Keys.WILL_CONTENT_TYPE, "text/plain");
        roundTrip(gui(ConnectSamplerGui::new), new ConnectSampler(), new ConnectSampler(), p, "MQTT Connect");
        Map<String, String> q = new LinkedHashMap<>();
        q.put(Keys.VERSION, "${__P(mqtt.version,5.0)}");
        roundTrip(gui(ConnectSamplerGui::new), new ConnectSampler(), new ConnectSampler(), q, "MQTT Connect");
    }

    @Test
    void connectV5PanelFollowsTheVersion() {
        ConnectSamplerGui g = gui(ConnectSamplerGui::new);
        assertEquals(false, v5Enabled(g)); // default 3.1
        for (String[] c : new String[][] {{"3.1.1", "false"}, {"5.0", "true"}, {"${ver}", "true"}, {"3.1", "false"}}) {
            ConnectSampler s = new ConnectSampler();
            s.setProperty(Keys.VERSION, c[0]);
            g.configure(s);
            assertEquals(Boolean.parseBoolean(c[1]), v5Enabled(g), c[0]);
        }
    }

    /** Whether the MQTT 5.0 fields are editable. */
    private static boolean v5Enabled(ConnectSamplerGui g) {
        return Widgets.field(g, Keys.SESSION_EXPIRY).isEnabled() && Widgets.field(g, Keys.USER_PROPERTIES).isEnabled();
    }

    @Test
    void connectV5DefaultsAfterClear() {
        ConnectSamplerGui g = gui(ConnectSamplerGui::new);
        ConnectSampler full = new ConnectSampler();
        full.setProperty(Keys.VERSION, "5.0");
        full.setProperty(Keys.SESSION_EXPIRY, "9");
        full.setProperty(Keys.RECEIVE_MAXIMUM, "9");
        full.setProperty(Keys.REQUEST_RESPONSE_INFO, true);
        full.setProperty(Keys.USER_PROPERTIES, "a=b");
        full.setProperty(Keys.WILL_CONTENT_TYPE, "x");
        g.configure(full);
        g.clearGui();
        ConnectSampler fresh = new ConnectSampler();
        g.modifyTestElement(fresh);
        assertEquals("3.1.1", fresh.getPropertyAsString(Keys.VERSION)); // a new element's
        assertEquals("0", fresh.getPropertyAsString(Keys.SESSION_EXPIRY));
        assertEquals("65535", fresh.getPropertyAsString(Keys.RECEIVE_MAXIMUM));
        assertEquals("0", fresh.getPropertyAsString(Keys.MAXIMUM_PACKET_SIZE));
        assertEquals("0", fresh.getPropertyAsString(Keys.TOPIC_ALIAS_MAXIMUM));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.REQUEST_RESPONSE_INFO));
        assertEquals("", fresh.getPropertyAsString(Keys.USER_PROPERTIES));
        assertEquals("0", fresh.getPropertyAsString(Keys.WILL_DELAY_INTERVAL));
        assertEquals("0", fresh.getPropertyAsString(Keys.WILL_MESSAGE_EXPIRY));
        assertEquals("", fresh.getPropertyAsString(Keys.WILL_CONTENT_TYPE));
    }

    @Test
    void connectVariablesInComboFieldsRoundTrip() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.PROTOCOL, "${__P(proto,SSL)}");
        p.put(Keys.TLS_MIN_VERSION, "${tlsmin}");
        p.put(Keys.CA_FILE, "${__P(tls.ca,)}");
        roundTrip(gui(ConnectSamplerGui::new), new ConnectSampler(), new ConnectSampler(), p, "MQTT Connect");
    }

    @Test
    void connectTlsDefaultsAfterClear() {
        ConnectSamplerGui g = gui(ConnectSamplerGui::new);
        ConnectSampler full = new ConnectSampler();
        full.setProperty(Keys.PROTOCOL, "SSL");
        full.setProperty(Keys.TLS_TRUST_ALL, true);
        full.setProperty(Keys.TLS_VERIFY_HOSTNAME, false);
        full.setProperty(Keys.CLIENT_CERT_PASSWORD, "x");
        full.setProperty(Keys.TLS_MIN_VERSION, "1.3");
        g.configure(full);
        g.clearGui();
        ConnectSampler fresh = new ConnectSampler();
        g.modifyTestElement(fresh);
        assertEquals("TCP", fresh.getPropertyAsString(Keys.PROTOCOL));
        assertEquals("", fresh.getPropertyAsString(Keys.WS_PATH));
        assertEquals("", fresh.getPropertyAsString(Keys.CA_FILE));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.DUAL_SSL_AUTHENTICATION));
        assertEquals("", fresh.getPropertyAsString(Keys.CLIENT_CERT_FILE_PATH));
        assertEquals("", fresh.getPropertyAsString(Keys.CLIENT_CERT_PASSWORD));
        assertEquals("", fresh.getPropertyAsString(Keys.CLIENT_KEY_FILE));
        assertEquals("1.2", fresh.getPropertyAsString(Keys.TLS_MIN_VERSION));
        assertEquals("", fresh.getPropertyAsString(Keys.TLS_SERVER_NAME));
        assertEquals(true, fresh.getPropertyAsBoolean(Keys.TLS_VERIFY_HOSTNAME));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.TLS_TRUST_ALL));
    }

    @Test
    void connectOldSpellingsComeBackUnderTheNewKeys() {
        ConnectSamplerGui g = gui(ConnectSamplerGui::new);
        ConnectSampler old = new ConnectSampler();
        old.setProperty(Keys.CONN_ATTEMPT_MAX_OLD, "4");
        old.setProperty(Keys.RECONN_ATTEMPT_MAX_OLD, "5");
        g.configure(old);
        ConnectSampler now = new ConnectSampler();
        g.modifyTestElement(now);
        assertEquals("4", now.getPropertyAsString(Keys.CONN_ATTEMPT_MAX));
        assertEquals("5", now.getPropertyAsString(Keys.RECONN_ATTEMPT_MAX));
    }

    @Test
    void publish() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.CONNECTION_NAME, "pool");
        p.put(Keys.TOPIC_NAME, "t/1");
        p.put(Keys.QOS_LEVEL, "${qos}");
        p.put(Keys.RETAINED_MESSAGE, "true");
        p.put(Keys.MESSAGE_TYPE, Keys.MESSAGE_TYPE_RANDOM);
        p.put(Keys.MESSAGE_TYPE_FIXED_LENGTH, "99");
        p.put(Keys.RANDOM_PER_MESSAGE, "true");
        p.put(Keys.MESSAGE_TO_SENT, "hello\nworld");
        p.put(Keys.TIMESTAMP_FORMAT, "precise");
        p.put(Keys.MESSAGES_PER_SAMPLE, "20");
        p.put(Keys.PUBLISH_TARGET, "round_robin");
        p.put(Keys.ACK_TIMEOUT, "500");
        p.put(Keys.MESSAGE_EXPIRY, "60");
        p.put(Keys.CONTENT_TYPE, "application/json");
        p.put(Keys.PAYLOAD_FORMAT_UTF8, "true");
        p.put(Keys.RESPONSE_TOPIC, "reply/${id}");
        p.put(Keys.CORRELATION_DATA, "corr-1");
        p.put(Keys.USER_PROPERTIES, "source=mqttload\nrun=${__time()}");
        p.put(Keys.USE_TOPIC_ALIAS, "true");
        p.put(Keys.PACE_MODE, Keys.PACE_RATE_PER_GROUP);
        p.put(Keys.PACE_INTERVAL_MS, "250");
        p.put(Keys.PACE_RATE, "0.5");
        p.put(Keys.PACE_DURATION_MS, "60000");
        p.put(Keys.PACE_MESSAGES, "${cap}");
        roundTrip(gui(PublishSamplerGui::new), new PublishSampler(), new PublishSampler(), p, "MQTT Publish");
    }

    @Test
    void subscribe() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.CONNECTION_NAME, "pool");
        p.put(Keys.TOPIC_NAME, "a, b/#");
        p.put(Keys.QOS_LEVEL, "2");
        p.put(Keys.SAMPLE_CONDITION, Keys.CONDITION_COUNT_LABEL);
        p.put(Keys.SAMPLE_CONDITION_VALUE, "100");
        p.put(Keys.SAMPLE_TIMEOUT, "3000");
        p.put(Keys.ADD_TIMESTAMP, "true");
        p.put(Keys.DEBUG_RESPONSE, "true");
        p.put(Keys.NO_LOCAL, "true");
        p.put(Keys.RETAIN_AS_PUBLISHED, "true");
        p.put(Keys.RETAIN_HANDLING, "2");
        p.put(Keys.SUBSCRIPTION_IDENTIFIER, "42");
        roundTrip(gui(SubscribeSamplerGui::new), new SubscribeSampler(), new SubscribeSampler(), p, "MQTT Subscribe");
    }

    @Test
    void subscribeRetainHandlingStoresTheNumber() {
        for (String v : new String[] {"0", "1", "2", "${rh}"}) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put(Keys.RETAIN_HANDLING, v);
            roundTrip(gui(SubscribeSamplerGui::new), new SubscribeSampler(), new SubscribeSampler(), p,
                    "MQTT Subscribe");
        }
        SubscribeSamplerGui g = gui(SubscribeSamplerGui::new);
        SubscribeSampler s = new SubscribeSampler();
        s.setProperty(Keys.RETAIN_HANDLING, "2");
        g.configure(s);
        g.clearGui();
        SubscribeSampler fresh = new SubscribeSampler();
        g.modifyTestElement(fresh);
        assertEquals("0", fresh.getPropertyAsString(Keys.RETAIN_HANDLING));
        assertEquals("0", fresh.getPropertyAsString(Keys.SUBSCRIPTION_IDENTIFIER));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.NO_LOCAL));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.RETAIN_AS_PUBLISHED));
    }

    @Test
    void disconnect() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.CONNECTION_NAME, "pool");
        p.put(Keys.DISCONNECT_REASON_CODE, "4");
        p.put(Keys.DISCONNECT_SESSION_EXPIRY, "0");
        roundTrip(gui(DisconnectSamplerGui::new), new DisconnectSampler(), new DisconnectSampler(), p,
                "MQTT Disconnect");
        DisconnectSamplerGui g = gui(DisconnectSamplerGui::new);
        DisconnectSampler fresh = new DisconnectSampler();
        g.modifyTestElement(fresh);
        assertEquals("0", fresh.getPropertyAsString(Keys.DISCONNECT_REASON_CODE));
        assertEquals("", fresh.getPropertyAsString(Keys.DISCONNECT_SESSION_EXPIRY));
    }

    @Test
    void brokerStatistics() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Keys.SERVER, "broker.example");
        p.put(Keys.PORT, "8883");
        p.put(Keys.PROTOCOL, Keys.PROTOCOL_SSL);
        p.put(Keys.USER_NAME, "admin");
        p.put(Keys.SYS_TOPIC_ROOT, "$SYS/brokers");
        p.put(Keys.SYS_FIRST_TIMEOUT, "60000");
        roundTrip(gui(BrokerStatsSamplerGui::new), new BrokerStatsSampler(), new BrokerStatsSampler(), p,
                "MQTT Broker Statistics");
        BrokerStatsSamplerGui g = gui(BrokerStatsSamplerGui::new);
        BrokerStatsSampler fresh = new BrokerStatsSampler();
        g.modifyTestElement(fresh);
        assertEquals("$SYS/broker", fresh.getPropertyAsString(Keys.SYS_TOPIC_ROOT));
        assertEquals("15000", fresh.getPropertyAsString(Keys.SYS_FIRST_TIMEOUT));
        assertEquals("mqttload_stats_", fresh.getPropertyAsString(Keys.CLIENT_ID_PREFIX));
    }

    @Test
    void publishV5DefaultsAfterClear() {
        PublishSamplerGui g = gui(PublishSamplerGui::new);
        PublishSampler full = new PublishSampler();
        full.setProperty(Keys.MESSAGE_EXPIRY, "60");
        full.setProperty(Keys.USER_PROPERTIES, "a=b");
        full.setProperty(Keys.USE_TOPIC_ALIAS, true);
        g.configure(full);
        g.clearGui();
        PublishSampler fresh = new PublishSampler();
        g.modifyTestElement(fresh);
        assertEquals("0", fresh.getPropertyAsString(Keys.MESSAGE_EXPIRY));
        assertEquals("", fresh.getPropertyAsString(Keys.CONTENT_TYPE));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.PAYLOAD_FORMAT_UTF8));
        assertEquals("", fresh.getPropertyAsString(Keys.RESPONSE_TOPIC));
        assertEquals("", fresh.getPropertyAsString(Keys.CORRELATION_DATA));
        assertEquals("", fresh.getPropertyAsString(Keys.USER_PROPERTIES));
        assertEquals(false, fresh.getPropertyAsBoolean(Keys.USE_TOPIC_ALIAS));
    }

    /** What the GUI saves for {@code old}, a plan's element as it was loaded from the file. */
    private static TestElement resaved(AbstractSamplerGui gui, TestElement old, TestElement target) {
        gui.configure(old);
        gui.modifyTestElement(target);
        return target;
    }

    @Test
    void newElementsMeasureWhileOlderPlansKeepTheirBehaviour() {
        ConnectSamplerGui connect = gui(ConnectSamplerGui::new);
        assertEquals(Keys.VERSION_3_1_1, connect.createTestElement().getPropertyAsString(Keys.VERSION));
        // a plan that leaves the version out (XMeter's, or hand-written) ran 3.1, and still does once re-saved
        assertEquals(Keys.VERSION_3_1, resaved(connect, new ConnectSampler(), new ConnectSampler())
                .getPropertyAsString(Keys.VERSION));

        PublishSamplerGui publish = gui(PublishSamplerGui::new);
        TestElement fresh = publish.createTestElement();
        assertEquals(Keys.TIMESTAMP_PRECISE, fresh.getPropertyAsString(Keys.TIMESTAMP_FORMAT));
        assertEquals(true, fresh.getPropertyAsBoolean(Keys.ADD_TIMESTAMP));
        TestElement none = resaved(publish, new PublishSampler(), new PublishSampler());
        assertEquals(Keys.TIMESTAMP_NONE, none.getPropertyAsString(Keys.TIMESTAMP_FORMAT));
        assertEquals(false, none.getPropertyAsBoolean(Keys.ADD_TIMESTAMP));
        PublishSampler xmeter = new PublishSampler();
        xmeter.setProperty(Keys.ADD_TIMESTAMP, true);
        TestElement kept = resaved(publish, xmeter, new PublishSampler());
        assertEquals(Keys.TIMESTAMP_XMETER, kept.getPropertyAsString(Keys.TIMESTAMP_FORMAT));
        assertEquals(true, kept.getPropertyAsBoolean(Keys.ADD_TIMESTAMP));

        SubscribeSamplerGui subscribe = gui(SubscribeSamplerGui::new);
        assertEquals(true, subscribe.createTestElement().getPropertyAsBoolean(Keys.ADD_TIMESTAMP));
        assertEquals(false, resaved(subscribe, new SubscribeSampler(), new SubscribeSampler())
                .getPropertyAsBoolean(Keys.ADD_TIMESTAMP));
        // clearGui (JMeter's Add) gives a new element's values again
        subscribe.clearGui();
        assertEquals(true, subscribe.createTestElement().getPropertyAsBoolean(Keys.ADD_TIMESTAMP));
    }
}

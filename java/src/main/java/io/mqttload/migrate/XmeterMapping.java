package io.mqttload.migrate;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.mqttload.contract.Description;
import io.mqttload.jmeter.Keys;

/**
 * The mapping table: XMeter/EMQ plugin (emqx/mqtt-jmeter 2.0.2 and earlier) classes and property values to ours.
 * Facts about XMeter's behaviour are read from its source; each rule says why it keeps the meaning.
 */
final class XmeterMapping {
    private XmeterMapping() {
    }

    /** The kinds of XMeter element. */
    enum Kind {
        CONNECT("io.mqttload.jmeter.ConnectSampler", "io.mqttload.jmeter.gui.ConnectSamplerGui"),
        EFFICIENT_CONNECT("io.mqttload.jmeter.ConnectSampler", "io.mqttload.jmeter.gui.ConnectSamplerGui"),
        PUBLISH("io.mqttload.jmeter.PublishSampler", "io.mqttload.jmeter.gui.PublishSamplerGui"),
        SUBSCRIBE("io.mqttload.jmeter.SubscribeSampler", "io.mqttload.jmeter.gui.SubscribeSamplerGui"),
        DISCONNECT("io.mqttload.jmeter.DisconnectSampler", "io.mqttload.jmeter.gui.DisconnectSamplerGui"),
        EFFICIENT_DISCONNECT("io.mqttload.jmeter.DisconnectSampler", "io.mqttload.jmeter.gui.DisconnectSamplerGui");

        final String testClass;
        final String guiClass;

        Kind(String testClass, String guiClass) {
            this.testClass = testClass;
            this.guiClass = guiClass;
        }
    }

    static final String XMETER_SAMPLERS = "net.xmeter.samplers.";
    static final String XMETER_GUI = "net.xmeter.gui.";

    /** XMeter test class -> kind. */
    static final Map<String, Kind> TEST_CLASSES;
    /** XMeter GUI class -> our GUI class. */
    static final Map<String, String> GUI_CLASSES;

    static {
        Map<String, Kind> t = new HashMap<>();
        t.put(XMETER_SAMPLERS + "ConnectSampler", Kind.CONNECT);
        t.put(XMETER_SAMPLERS + "EfficientConnectSampler", Kind.EFFICIENT_CONNECT);
        t.put(XMETER_SAMPLERS + "PubSampler", Kind.PUBLISH);
        t.put(XMETER_SAMPLERS + "SubSampler", Kind.SUBSCRIBE);
        t.put(XMETER_SAMPLERS + "DisConnectSampler", Kind.DISCONNECT);
        t.put(XMETER_SAMPLERS + "EfficientDisConnectSampler", Kind.EFFICIENT_DISCONNECT);
        TEST_CLASSES = Collections.unmodifiableMap(t);
        Map<String, String> g = new HashMap<>();
        g.put(XMETER_GUI + "ConnectSamplerUI", Kind.CONNECT.guiClass);
        g.put(XMETER_GUI + "EfficientConnectSamplerUI", Kind.EFFICIENT_CONNECT.guiClass);
        g.put(XMETER_GUI + "PubSamplerUI", Kind.PUBLISH.guiClass);
        g.put(XMETER_GUI + "SubSamplerUI", Kind.SUBSCRIBE.guiClass);
        g.put(XMETER_GUI + "DisConnectSamplerUI", Kind.DISCONNECT.guiClass);
        g.put(XMETER_GUI + "EfficientDisConnectSamplerUI", Kind.EFFICIENT_DISCONNECT.guiClass);
        GUI_CLASSES = Collections.unmodifiableMap(g);
    }

    // XMeter keys that are not ours (Constants.java and EfficientConnectSampler of emqx/mqtt-jmeter)
    static final String CLIENT_NAME = "mqtt.client_name";
    static final String KEYSTORE_FILE_PATH = "mqtt.keystore_file_path";
    static final String KEYSTORE_PASSWORD = "mqtt.keystore_password";
    static final String CONN_SHARE = "mqtt.conn_share";
    static final String SUB_WHEN_CONNECTED = "mqtt.sub_when_connected";

    /** Values never shown in a report. */
    private static final Set<String> SECRETS = new HashSet<>(
            Arrays.asList(Keys.PASSWORD, Keys.CLIENT_CERT_PASSWORD, KEYSTORE_PASSWORD));

    /** Every property key our elements read (the mqtt.* constants of {@link Keys}). */
    static final Set<String> OUR_KEYS = ourKeys();

    private static Set<String> ourKeys() {
        Set<String> keys = new HashSet<>();
        for (Field f : Keys.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    Object v = f.get(null);
                    if (v instanceof String && ((String) v).startsWith("mqtt.")) {
                        keys.add((String) v);
                    }
                } catch (IllegalAccessException e) {
                    // public constants: cannot happen
                }
            }
        }
        return Collections.unmodifiableSet(keys);
    }

    /** Options of a migration. */
    static final class Options {
        /** PEM CA file for SSL/WSS connects (verification on); null = accept any certificate as XMeter did. */
        final String caFile;

        Options(String caFile) {
            this.caFile = caFile;
        }
    }

    static String shown(String key, String value) {
        if (value == null) {
            return "(absent)";
        }
        if (SECRETS.contains(key) && !value.isEmpty()) {
            return "***";
        }
        return "'" + value + "'";
    }

    private static boolean isVariable(String v) {
        return v != null && v.contains("${");
    }

    /** Applies the rules of {@code kind} to the element's properties, reporting each one. */
    static void apply(Kind kind, ElementProps props, MigrationReport.Element report, Options options) {
        Set<String> handled = new HashSet<>();
        switch (kind) {
            case CONNECT:
            case EFFICIENT_CONNECT:
                connect(kind, props, report, options, handled);
                break;
            case PUBLISH:
                publish(props, report, handled);
                break;
            case SUBSCRIBE:
                subscribe(props, report, handled);
                break;
            default:
                if (kind == Kind.EFFICIENT_DISCONNECT) {
                    report.note("closes the whole connection group of the thread, as Efficient DisConnect closed all"
                            + " of its connections");
                }
                break;
        }
        rest(props, report, handled);
    }

    /** Every property no rule looked at: ours are kept as they are, XMeter-only ones reported. */
    private static void rest(ElementProps props, MigrationReport.Element report, Set<String> handled) {
        for (ElementProps.Prop p : props.all()) {
            if (p.removed || p.name == null || handled.contains(p.name) || !p.name.startsWith("mqtt.")) {
                continue; // JMeter's own properties (comments, ...) pass through silently
            }
            handled.add(p.name);
            String v = p.simple() ? shown(p.name, p.value) : "(" + p.tag + ")";
            if (CLIENT_NAME.equals(p.name)) {
                report.notMapped(p.name + " = " + v + ": XMeter's choice of client library (hivemq/fusesource);"
                        + " mqttload has one engine");
            } else if (KEYSTORE_FILE_PATH.equals(p.name) || KEYSTORE_PASSWORD.equals(p.name)) {
                if (p.simple() && p.value.trim().isEmpty()) {
                    report.notMapped(p.name + " = " + v + ": XMeter 1.x trust store (JKS), empty and unused here");
                } else {
                    report.notMapped(p.name + " = " + v + ": a JKS trust store is not read; export its CA as PEM"
                            + " (keytool -exportcert -rfc) and set " + Keys.CA_FILE);
                }
            } else if (CONN_SHARE.equals(p.name)) {
                report.notMapped(p.name + " = " + v + ": an XMeter 1.x option that 2.x ignored as well");
            } else if (OUR_KEYS.contains(p.name)) {
                report.kept(p.name, v);
            } else {
                report.notMapped(p.name + " = " + v + ": unknown key");
            }
        }
    }

    private static void keep(ElementProps props, MigrationReport.Element report, Set<String> handled,
            String... keys) {
        for (String k : keys) {
            ElementProps.Prop p = props.get(k);
            if (p != null) {
                report.kept(k, shown(k, p.value));
            }
            handled.add(k);
        }
    }

    private static void connect(Kind kind, ElementProps props, MigrationReport.Element report, Options options,
            Set<String> handled) {
        keep(props, report, handled, Keys.SERVER, Keys.PORT, Keys.CONN_TIMEOUT, Keys.PROTOCOL, Keys.WS_PATH,
                Keys.DUAL_SSL_AUTHENTICATION, Keys.CLIENT_CERT_FILE_PATH, Keys.CLIENT_CERT_PASSWORD, Keys.USER_NAME,
                Keys.PASSWORD, Keys.CLIENT_ID_PREFIX, Keys.CLIENT_ID_SUFFIX, Keys.CONN_KEEP_ALIVE);
        version(props, report, handled);
        attempts(props, report, handled, Keys.CONN_ATTEMPT_MAX_OLD, Keys.CONN_ATTEMPT_MAX);
        attempts(props, report, handled, Keys.RECONN_ATTEMPT_MAX_OLD, Keys.RECONN_ATTEMPT_MAX);
        cleanSession(props, report, handled);
        tls(props, report, options, handled);
        String cert = props.value(Keys.CLIENT_CERT_FILE_PATH);
        if ("true".equalsIgnoreCase(props.value(Keys.DUAL_SSL_AUTHENTICATION)) && cert != null
                && !cert.trim().isEmpty() && !new java.io.File(cert.trim()).isAbsolute() && !isVariable(cert)) {
            report.note(Keys.CLIENT_CERT_FILE_PATH + " is relative: mqttload resolves it against the plan's folder"
                    + " (XMeter tried the working directory first)");
        }
        if (kind == Kind.EFFICIENT_CONNECT) {
            efficient(props, report, handled);
        } else if (props.get(Keys.CONN_CAPACITY) != null) {
            keep(props, report, handled, Keys.CONN_CAPACITY);
        }
    }

    /**
     * XMeter 2.x connects with the HiveMQ client unless mqtt.client_name says fusesource (1.13 only), and its
     * Mqtt3Client speaks 3.1.1 whatever mqtt.version holds, so "3.1" (also its default) meant 3.1.1 on the wire.
     */
    private static void version(ElementProps props, MigrationReport.Element report, Set<String> handled) {
        handled.add(Keys.VERSION);
        String client = props.value(CLIENT_NAME);
        boolean hivemq = client == null || client.trim().isEmpty() || "hivemq".equalsIgnoreCase(client.trim());
        ElementProps.Prop v = props.get(Keys.VERSION);
        if (v == null) {
            String to = hivemq ? Keys.VERSION_3_1_1 : Keys.VERSION_3_1;
            props.insert("stringProp", Keys.VERSION, to, Keys.PORT);
            report.added(Keys.VERSION + " = '" + to + "' (absent: XMeter's default 3.1"
                    + (hivemq ? ", which its HiveMQ client sent as 3.1.1)" : " with the fusesource client)"));
        } else if (hivemq && Keys.VERSION_3_1.equals(v.value.trim())) {
            v.value = Keys.VERSION_3_1_1;
            report.changed(Keys.VERSION + ": '3.1' -> '3.1.1' (XMeter 2.x's HiveMQ client always sent 3.1.1; keep"
                    + " '3.1' for a real 3.1 CONNECT)");
        } else {
            report.kept(Keys.VERSION, shown(Keys.VERSION, v.value));
        }
    }

    /** Old spelling -> new; when both are present we read the new one first, as XMeter after the fix did. */
    private static void attempts(ElementProps props, MigrationReport.Element report, Set<String> handled,
            String old, String current) {
        handled.add(old);
        handled.add(current);
        ElementProps.Prop o = props.get(old);
        ElementProps.Prop n = props.get(current);
        if (o != null && n == null) {
            o.name = current;
            report.changed(old + " -> " + current + " = " + shown(current, o.value));
        } else if (o != null) {
            o.removed = true;
            report.changed(old + " = " + shown(old, o.value) + " removed: " + current + " = "
                    + shown(current, n.value) + " is present and wins");
        } else if (n != null) {
            report.kept(current, shown(current, n.value));
        }
    }

    /** XMeter: Boolean.parseBoolean of the text, so anything but "true" (also an empty field) meant false. */
    private static void cleanSession(ElementProps props, MigrationReport.Element report, Set<String> handled) {
        handled.add(Keys.CONN_CLEAN_SESSION);
        ElementProps.Prop p = props.get(Keys.CONN_CLEAN_SESSION);
        if (p == null) {
            return;
        }
        String v = p.value.trim();
        if (isVariable(v) || "true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) {
            report.kept(Keys.CONN_CLEAN_SESSION, shown(Keys.CONN_CLEAN_SESSION, p.value));
        } else {
            p.value = "false";
            report.changed(Keys.CONN_CLEAN_SESSION + ": " + shown(Keys.CONN_CLEAN_SESSION, v)
                    + " -> 'false' (XMeter read anything but 'true' as false)");
        }
    }

    /** XMeter accepted any server certificate (a trust-all trust manager, TLS 1.2 only). */
    private static void tls(ElementProps props, MigrationReport.Element report, Options options,
            Set<String> handled) {
        String protocol = props.value(Keys.PROTOCOL);
        String pr = protocol == null ? "" : protocol.trim();
        boolean tls = Keys.PROTOCOL_SSL.equals(pr) || Keys.PROTOCOL_WSS.equals(pr) || isVariable(pr);
        if (!tls || props.get(Keys.TLS_TRUST_ALL) != null || props.get(Keys.CA_FILE) != null) {
            return;
        }
        handled.add(Keys.CA_FILE);
        handled.add(Keys.TLS_TRUST_ALL);
        if (options.caFile != null) {
            props.insert("stringProp", Keys.CA_FILE, options.caFile, Keys.PROTOCOL);
            report.added(Keys.CA_FILE + " = '" + options.caFile + "' (given with --ca-file: the broker's certificate"
                    + " is verified, which XMeter never did)");
        } else {
            props.insert("boolProp", Keys.TLS_TRUST_ALL, "true", Keys.PROTOCOL);
            report.added(Keys.TLS_TRUST_ALL + " = 'true' (XMeter accepted any server certificate; results say"
                    + " INSECURE. Set " + Keys.CA_FILE + " and untick it to verify the broker)");
        }
    }

    /**
     * Efficient Connect opened mqtt.conn_capacity connections in one thread: our Connect's connection group of that
     * size (which, unlike XMeter's, Publish and Subscribe then use).
     */
    private static void efficient(ElementProps props, MigrationReport.Element report, Set<String> handled) {
        handled.add(Keys.CONN_CAPACITY);
        ElementProps.Prop cap = props.get(Keys.CONN_CAPACITY);
        if (cap == null) {
            report.note(Keys.CONN_CAPACITY + " absent: one connection, XMeter's default as well");
        } else {
            report.kept(Keys.CONN_CAPACITY, shown(Keys.CONN_CAPACITY, cap.value)
                    + " (Efficient Connect's capacity = the connection group size)");
        }
        handled.add(SUB_WHEN_CONNECTED);
        handled.add(Keys.TOPIC_NAME);
        handled.add(Keys.QOS_LEVEL);
        ElementProps.Prop sub = props.get(SUB_WHEN_CONNECTED);
        String topic = shown(Keys.TOPIC_NAME, props.value(Keys.TOPIC_NAME));
        String qos = shown(Keys.QOS_LEVEL, props.value(Keys.QOS_LEVEL));
        if (sub != null && "true".equalsIgnoreCase(sub.value.trim())) {
            report.notMapped(SUB_WHEN_CONNECTED + " = 'true' (topics " + topic + ", QoS " + qos + "): subscribing"
                    + " inside Connect is not supported; add an MQTT Subscribe after this Connect");
        } else if (sub != null || props.get(Keys.TOPIC_NAME) != null || props.get(Keys.QOS_LEVEL) != null) {
            report.notMapped(SUB_WHEN_CONNECTED + " = " + shown(SUB_WHEN_CONNECTED, sub == null ? null : sub.value)
                    + " with topics " + topic + ", QoS " + qos + ": unused by XMeter too (the option was off)");
        }
        if ("false".equalsIgnoreCase(String.valueOf(props.value(Keys.CLIENT_ID_SUFFIX)).trim())) {
            report.note("client ids: XMeter named them <prefix>-xmeter-suffix-<n>; mqttload names them its own way");
        }
        report.note("sample label: XMeter's was 'xmeter-mqtt-batch-con-mode-<name>' with one sub-result per"
                + " connection; mqttload reports one sample '<name>' for the whole group");
    }

    private static void publish(ElementProps props, MigrationReport.Element report, Set<String> handled) {
        keep(props, report, handled, Keys.TOPIC_NAME, Keys.QOS_LEVEL, Keys.RETAINED_MESSAGE,
                Keys.MESSAGE_TYPE_FIXED_LENGTH, Keys.MESSAGE_TO_SENT);
        handled.add(Keys.MESSAGE_TYPE);
        ElementProps.Prop type = props.get(Keys.MESSAGE_TYPE);
        if (type == null) {
            props.insert("stringProp", Keys.MESSAGE_TYPE, Keys.MESSAGE_TYPE_RANDOM, null);
            report.added(Keys.MESSAGE_TYPE + " = '" + Keys.MESSAGE_TYPE_RANDOM + "' (absent: XMeter's Publish"
                    + " default; ours is 'String')");
        } else {
            report.kept(Keys.MESSAGE_TYPE, shown(Keys.MESSAGE_TYPE, type.value));
        }
        handled.add(Keys.ADD_TIMESTAMP);
        handled.add(Keys.TIMESTAMP_FORMAT);
        ElementProps.Prop ts = props.get(Keys.ADD_TIMESTAMP);
        if (props.get(Keys.TIMESTAMP_FORMAT) != null) {
            keep(props, report, handled, Keys.ADD_TIMESTAMP, Keys.TIMESTAMP_FORMAT);
        } else if (ts != null && isVariable(ts.value)) {
            report.kept(Keys.ADD_TIMESTAMP, shown(Keys.ADD_TIMESTAMP, ts.value) + " (a variable: read as the"
                    + " XMeter format when true)");
        } else {
            boolean on = ts != null && "true".equalsIgnoreCase(ts.value.trim());
            String format = on ? Keys.TIMESTAMP_XMETER : Keys.TIMESTAMP_NONE;
            props.insert("stringProp", Keys.TIMESTAMP_FORMAT, format, ts != null ? Keys.ADD_TIMESTAMP : null);
            report.added(Keys.TIMESTAMP_FORMAT + " = '" + format + "' (from " + Keys.ADD_TIMESTAMP + " = "
                    + shown(Keys.ADD_TIMESTAMP, ts == null ? null : ts.value)
                    + (on ? ": XMeter's '<millis>ts_sep_flag<payload>')" : ")"));
        }
        String qos = props.value(Keys.QOS_LEVEL);
        if (qos != null && !"0".equals(qos.trim())) {
            report.note("QoS " + qos.trim() + ": XMeter waited for the acknowledgement without a limit; mqttload fails"
                    + " the sample after " + Keys.ACK_TIMEOUT + " (" + defaultOf("publish", Keys.ACK_TIMEOUT) + " ms)");
        }
    }

    private static void subscribe(ElementProps props, MigrationReport.Element report, Set<String> handled) {
        keep(props, report, handled, Keys.TOPIC_NAME, Keys.QOS_LEVEL, Keys.ADD_TIMESTAMP, Keys.DEBUG_RESPONSE,
                Keys.SAMPLE_CONDITION_VALUE);
        handled.add(Keys.SAMPLE_CONDITION);
        ElementProps.Prop c = props.get(Keys.SAMPLE_CONDITION);
        boolean count;
        if (c == null) {
            count = false;
        } else if (Keys.CONDITION_TIME_LABEL.equals(c.value) || Keys.CONDITION_COUNT_LABEL.equals(c.value)
                || isVariable(c.value)) {
            count = Keys.CONDITION_COUNT_LABEL.equals(c.value);
            report.kept(Keys.SAMPLE_CONDITION, shown(Keys.SAMPLE_CONDITION, c.value));
        } else {
            // XMeter: time only when the text equals its time label exactly; anything else sampled on a count
            String was = c.value;
            c.value = Keys.CONDITION_COUNT_LABEL;
            count = true;
            report.changed(Keys.SAMPLE_CONDITION + ": " + shown(Keys.SAMPLE_CONDITION, was) + " -> '"
                    + Keys.CONDITION_COUNT_LABEL + "' (XMeter sampled on a count for anything but its time label)");
        }
        if (count && props.get(Keys.SAMPLE_TIMEOUT) == null) {
            report.note("count sample: XMeter waited for the count without a limit; mqttload fails the sample after "
                    + Keys.SAMPLE_TIMEOUT + " (" + defaultOf("subscribe", Keys.SAMPLE_TIMEOUT) + " ms), raise it for slow"
                    + " publishers");
        }
    }

    private static String defaultOf(String element, String key) {
        return Description.get().element(element).setting(key).defaultValue();
    }
}

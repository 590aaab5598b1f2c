package io.mqttload.jmeter.gui;

import java.util.HashMap;
import java.util.Map;

import javax.swing.JComboBox;
import javax.swing.JComponent;

import io.mqttload.jmeter.Keys;

/**
 * What each field does, its default and its property key, shown as the field's (and its label's) tooltip.
 * Texts are looked up by "element/key" first (for keys whose meaning differs between elements), then by key.
 */
final class Help {
    private Help() {
    }

    /** Tooltip width: long enough for a sentence, narrow enough for a 1024-pixel screen. */
    private static final int WIDTH_PX = 380;

    private static final Map<String, String[]> TEXT = new HashMap<>();

    private static void put(String key, String what, String dflt) {
        TEXT.put(key, new String[] {what, dflt});
    }

    static {
        // Connect: broker
        put(Keys.SERVER, "Broker host name or IP address (no scheme, no port, no path).", Keys.DEFAULT_SERVER);
        put(Keys.PORT, "Broker port. An empty field fails the sample (1883 is used only when the property is"
                + " missing altogether, as in old plans).", String.valueOf(Keys.DEFAULT_PORT));
        put(Keys.VERSION, "MQTT protocol version: 3.1 (protocol name MQIsdp, level 3), 3.1.1 (level 4) or 5.0"
                + " (level 5). The fields of the MQTT 5.0 tab and the 5.0 will properties apply to 5.0 only.",
                Keys.DEFAULT_VERSION);
        put(Keys.PROTOCOL, "Transport: TCP, SSL (TLS), WS (WebSocket) or WSS (WebSocket over TLS). The TLS"
                + " settings apply to SSL and WSS, the WebSocket path to WS and WSS.", Keys.PROTOCOL_TCP);
        put(Keys.CONN_TIMEOUT, "Seconds allowed for the TCP connect, TLS handshake, WebSocket upgrade and"
                + " CONNECT to CONNACK.", String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
        put(Keys.WS_PATH, "WebSocket path, e.g. /mqtt (a missing leading / is added); subprotocol mqtt,"
                + " binary frames. WS and WSS only.", "empty (= /)");
        // Connect: TLS
        put(Keys.CA_FILE, "PEM file of the CA certificate(s) that sign the broker's certificate. A relative path"
                + " is resolved against the test plan's folder. Not used when any certificate is trusted.",
                "empty (= the system's CA roots)");
        put(Keys.DUAL_SSL_AUTHENTICATION, "Two-way TLS: send a client certificate (the certificate, password"
                + " and key fields below).", "false");
        put(Keys.CLIENT_CERT_FILE_PATH, "Client certificate: PKCS#12 (.p12, .pfx) or a PEM certificate chain,"
                + " told apart by content. A relative path is resolved against the test plan's folder.", "empty");
        put(Keys.CLIENT_CERT_PASSWORD, "Password of the PKCS#12 client certificate. A secret: never logged or"
                + " shown in results.", "empty");
        put(Keys.CLIENT_KEY_FILE, "PEM private key (PKCS#8, PKCS#1 or SEC1) of a PEM client certificate.",
                "empty (= look for the key in the certificate file)");
        put(Keys.TLS_MIN_VERSION, "Lowest TLS version allowed: 1.2 or 1.3.", Keys.DEFAULT_TLS_MIN_VERSION);
        put(Keys.TLS_SERVER_NAME, "Name sent as SNI and checked against the broker's certificate.",
                "empty (= the server)");
        put(Keys.TLS_VERIFY_HOSTNAME, "Check that the broker's certificate is valid for the server name. The"
                + " chain and dates are still checked when this is off.", "true");
        put(Keys.TLS_TRUST_ALL, "INSECURE: accept any certificate (no chain, date or name check; the CA file"
                + " and host name check are not used). Every connect result then ends with (INSECURE:"
                + " certificate not verified).", "false");
        // Connect: client
        put(Keys.USER_NAME, "User name sent in CONNECT, when not blank.", "empty");
        put(Keys.PASSWORD, "Password sent in CONNECT, when not blank. Never reaches logs or results.", "empty");
        put(Keys.CLIENT_ID_PREFIX, "Client identifier, or its prefix when a random suffix is added.",
                Keys.DEFAULT_CLIENT_ID_PREFIX);
        put(Keys.CLIENT_ID_SUFFIX, "Add a random suffix to the client id, unique across every connection of the"
                + " run (ids stay within 23 characters for 3.1). Without it the prefix is the whole client id, so"
                + " a thread may open one connection only.", "true");
        put(Keys.CONN_KEEP_ALIVE, "Keep-alive, seconds: PINGREQ when idle; the connection is declared dead when"
                + " no PINGRESP comes within it. A 5.0 broker's Server Keep Alive replaces it.",
                String.valueOf(Keys.DEFAULT_KEEP_ALIVE));
        put(Keys.CONN_CLEAN_SESSION, "true: start a new session. false: resume the session of the same client"
                + " ids and resend unacknowledged QoS 1/2 messages in order (with 5.0 the session outlives the"
                + " connection only for its session expiry). A ${variable} is allowed.", "true");
        put(Keys.CONN_ATTEMPT_MAX, "Retries of the first connect: 0 none, N, -1 forever (Stop and Shutdown still"
                + " end it). The XMeter spelling mqtt.conn_attampt_max is read too.", "0");
        put(Keys.RECONN_ATTEMPT_MAX, "Reconnects after a lost connection: 0 none, N, -1 forever; the wait starts"
                + " at 100 ms and doubles up to 5 s. The XMeter spelling mqtt.reconn_attampt_max is read too.",
                "0");
        put(Keys.CONN_CAPACITY, "Connections this thread opens: the connection group that Publish and Subscribe"
                + " act on.", "1");
        put(Keys.CONNECT_RATE, "Connections this group starts per second, so N connections ramp up over N / rate"
                + " seconds instead of all at once (decimals allowed, e.g. 0.5). JMeter's thread-group ramp-up"
                + " still applies on top. The sample reports the connects/s achieved and the slowest CONNACK.",
                "empty (= all at once)");
        put(Keys.BIND_ADDRESS, "Local source addresses for this group's connections, taken in turn: IPs and"
                + " ranges, comma-separated, e.g. 127.0.0.2-127.0.0.9. Every source address has its own ephemeral"
                + " ports, so more addresses hold more connections to one broker address and port.", "empty");
        put(Keys.MAX_INFLIGHT, "QoS 1/2 messages in flight per connection; the rest wait their turn in order."
                + " Auto: 20 for 3.1/3.1.1 (Mosquitto's default max_inflight_messages), the broker's Receive"
                + " Maximum for 5.0. Raise it for a broker configured higher.", "empty (auto)");
        put(Keys.WILL_TOPIC, "Last will topic: the broker publishes the will message there when a connection"
                + " ends without DISCONNECT. Empty = no will.", "empty");
        put(Keys.WILL_MESSAGE, "Last will payload (UTF-8 text).", "empty");
        put(Keys.WILL_QOS, "QoS of the will message: 0, 1 or 2.", "0");
        put(Keys.WILL_RETAIN, "Publish the will message retained.", "false");
        put(Keys.CONNECTION_SCOPE, "thread: the group belongs to this JMeter thread. test: the group is shared"
                + " under its name with every thread group (e.g. connect in a setUp thread group).",
                Keys.SCOPE_THREAD);
        put("connect/" + Keys.CONNECTION_NAME, "Name of the connection group; Publish, Subscribe and"
                + " Disconnect elements with the same name act on it.", "empty (= the thread's default group)");
        // Connect: MQTT 5.0
        put(Keys.SESSION_EXPIRY, "5.0 Session Expiry Interval, seconds: with clean session false the broker keeps"
                + " the session this long after a disconnect. 0 = the session ends with the connection.", "0");
        put(Keys.RECEIVE_MAXIMUM, "5.0: QoS 1/2 messages the broker may have in flight to us (1-65535).",
                String.valueOf(Keys.DEFAULT_RECEIVE_MAXIMUM));
        put(Keys.MAXIMUM_PACKET_SIZE, "5.0: largest packet we accept, bytes. 0 = no limit advertised.", "0");
        put(Keys.TOPIC_ALIAS_MAXIMUM, "5.0: topic aliases the broker may use towards us. 0 = none.", "0");
        put(Keys.REQUEST_RESPONSE_INFO, "5.0: ask the broker for Response Information.", "false");
        put("connect/" + Keys.USER_PROPERTIES, "5.0: CONNECT user properties, one name=value per line, split at"
                + " the first = (spaces are kept). JMeter variables are allowed.", "empty");
        put(Keys.WILL_DELAY_INTERVAL, "5.0: seconds the broker waits after the connection ends before it"
                + " publishes the will.", "0");
        put(Keys.WILL_MESSAGE_EXPIRY, "5.0: lifetime of the will message, seconds. 0 = none.", "0");
        put(Keys.WILL_CONTENT_TYPE, "5.0: content type of the will message.", "empty");

        // Publish
        put("publish/" + Keys.CONNECTION_NAME, "Connection group to publish on: the connection name of a Connect"
                + " element.", "empty (= the thread's default group)");
        put("publish/" + Keys.TOPIC_NAME, "Topic to publish to (no wildcards). Templates, filled in by the engine"
                + " per connection and message: {{conn}} (index in the group), {{conn.test}} (index in the"
                + " engine), {{client_id}}, {{seq}}, {{time_ms}}, {{time_ns}}, {{random:MIN:MAX}}; {{{{ is a"
                + " literal {{. E.g. devices/{{conn.test}}/telemetry.", Keys.DEFAULT_TOPIC);
        put("publish/" + Keys.QOS_LEVEL, "QoS 0, 1 or 2. A ${variable} is allowed.", "0");
        put(Keys.RETAINED_MESSAGE, "Set the retain flag: the broker keeps the last message for new"
                + " subscribers.", "false");
        put(Keys.MESSAGE_TYPE, "String: the message as UTF-8 text (templates allowed). Hex string: hex digits"
                + " (spaces allowed) give the bytes. Random string with fixed length: random bytes of the random"
                + " length. File: the exact bytes of the payload file. Folder: the files of the payload folder,"
                + " one per message in turn.",
                Keys.MESSAGE_TYPE_STRING);
        put(Keys.MESSAGE_TYPE_FIXED_LENGTH, "Length of the random payload, bytes (Random string with fixed"
                + " length only).", String.valueOf(Keys.DEFAULT_FIXED_LENGTH));
        put(Keys.RANDOM_PER_MESSAGE, "New random content for every message; otherwise it is generated once"
                + " (Random string with fixed length only).", "false");
        put(Keys.MESSAGE_TO_SENT, "The payload: UTF-8 text (String) or hex digits (Hex string). Not used for a"
                + " random, file or folder payload. A String payload may hold templates, filled in per connection"
                + " and per message: {{conn}}, {{conn.test}}, {{client_id}}, {{seq}} (message number on its"
                + " connection), {{time_ms}}, {{time_ns}}, {{random:MIN:MAX}}; {{{{ is a literal {{."
                + " E.g. {\"id\":\"{{client_id}}\",\"n\":{{seq}}}. JMeter's ${...} is filled in once per"
                + " sample before.", "empty");
        put(Keys.PAYLOAD_FILE, "Message type File: the file whose exact bytes are every message's payload"
                + " (binary, e.g. protobuf, is fine; no templates). Read once when the element starts; at most"
                + " 16 MiB. A relative path is resolved against the test plan's folder.", "empty");
        put(Keys.PAYLOAD_FOLDER, "Message type Folder: every regular file in it (not subfolders, not hidden"
                + " files) in name order is a payload, taken in turn per message and across samples. Read once"
                + " when the element starts; 16 MiB per file, 256 MiB in all. A relative path is resolved against"
                + " the test plan's folder.", "empty");
        put(Keys.TIMESTAMP_FORMAT, "What goes in front of the payload so that subscribers measure latency."
                + "\nnone: nothing; the payload is sent as it is."
                + "\nxmeter: the XMeter plugin's <epoch milliseconds>ts_sep_flag<payload>: millisecond"
                + " latency, read by XMeter subscribers too."
                + "\nprecise: mqlt:<publisher id>:<sequence number>:<epoch nanoseconds>;<payload>: microsecond"
                + " latency, and lost, duplicate and out-of-order messages counted per publisher by our"
                + " subscribers."
                + "\nAcross machines latency is only as good as their clocks' synchronisation. Saving also"
                + " writes mqtt.add_timestamp (true unless none), which XMeter reads.", Keys.TIMESTAMP_NONE);
        put(Keys.END_MARKER, "Precise timestamps only: the group's Disconnect sends one more message per stream"
                + " saying how many were sent, so subscribers in other JMeter engines (distributed mode) count"
                + " the tail too. Subscribers do not count it as a message.", "false");
        put(Keys.MESSAGES_PER_SAMPLE, "Messages published by one sample. The sample counts them, so JMeter's"
                + " throughput is messages per second.", "1");
        put(Keys.PUBLISH_TARGET, "all: every connection of the group publishes each message. round_robin: the"
                + " messages are spread over the connections.", Keys.TARGET_ALL);
        put(Keys.ACK_TIMEOUT, "Milliseconds to wait for the PUBACK (QoS 1) or PUBCOMP (QoS 2) of every message"
                + " of the sample.", String.valueOf(Keys.DEFAULT_ACK_TIMEOUT_MS));
        put(Keys.PACE_MODE, "burst: the sample publishes its messages per sample as fast as possible."
                + "\ninterval: every connection of the group publishes one message every interval, for the"
                + " duration. rate_per_connection / rate_per_group: the same, at a rate in messages per second"
                + " for each connection / for the whole group (shared by its connections)."
                + "\nThe engine keeps the schedule, first sends spread over one interval; each timestamp carries"
                + " the intended send time, so latency includes any delay in sending (no coordinated omission).",
                Keys.PACE_BURST);
        put(Keys.PACE_INTERVAL_MS, "interval mode: milliseconds between two messages of one connection"
                + " (1-3600000).", String.valueOf(Keys.DEFAULT_PACE_INTERVAL_MS));
        put(Keys.PACE_RATE, "rate modes: messages per second, per connection or for the whole group; decimals"
                + " allowed (0.1 = one every 10 s).", Keys.DEFAULT_PACE_RATE);
        put(Keys.PACE_DURATION_MS, "Paced: how long the sample's schedule runs, ms (then it waits for the last"
                + " acknowledgements). 0 = until the message cap is reached.",
                String.valueOf(Keys.DEFAULT_PACE_DURATION_MS));
        put(Keys.PACE_MESSAGES, "Paced: at most this many messages per sample, all connections together;"
                + " the sample ends when they are sent. 0 = no cap (the duration ends it).", "0");
        put(Keys.MESSAGE_EXPIRY, "5.0 Message Expiry Interval, seconds. 0 = none.", "0");
        put(Keys.CONTENT_TYPE, "5.0 Content Type of the messages.", "empty");
        put(Keys.PAYLOAD_FORMAT_UTF8, "5.0 Payload Format Indicator: the payload is UTF-8 text.", "false");
        put(Keys.RESPONSE_TOPIC, "5.0 Response Topic (no wildcards).", "empty");
        put(Keys.CORRELATION_DATA, "5.0 Correlation Data: the UTF-8 bytes of this text.", "empty");
        put("publish/" + Keys.USER_PROPERTIES, "5.0: PUBLISH user properties, one name=value per line, split at"
                + " the first = (spaces are kept). JMeter variables are allowed.", "empty");
        put(Keys.USE_TOPIC_ALIAS, "5.0: send our own topic aliases when the broker allows them (the first"
                + " message of a topic carries it in full).", "false");

        // Subscribe
        put("subscribe/" + Keys.CONNECTION_NAME, "Connection group to subscribe on: the connection name of a"
                + " Connect element.", "empty (= the thread's default group)");
        put("subscribe/" + Keys.TOPIC_NAME, "Topic filters, comma-separated (trimmed; + and # allowed;"
                + " $share/group/filter for a 5.0 shared subscription). {{conn}}, {{conn.test}} and {{client_id}}"
                + " are filled in per connection, so each connection subscribes to its own filter.",
                Keys.DEFAULT_TOPIC);
        put("subscribe/" + Keys.QOS_LEVEL, "Requested QoS 0, 1 or 2. A ${variable} is allowed.", "0");
        put(Keys.SAMPLE_CONDITION, "specified elapsed time (ms): a sample lasts the value in milliseconds and"
                + " reports what arrived. number of received messages: a sample ends when the value's count of"
                + " messages has arrived (or at the timeout). Messages are received and counted between samples"
                + " too.", Keys.CONDITION_TIME_LABEL);
        put(Keys.SAMPLE_CONDITION_VALUE, "Milliseconds (elapsed time) or a message count (number of received"
                + " messages).", Keys.DEFAULT_CONDITION_TIME_MS + " (time) / " + Keys.DEFAULT_CONDITION_COUNT
                + " (count)");
        put(Keys.SAMPLE_TIMEOUT, "Milliseconds: the most a message-count sample waits; also the wait for"
                + " SUBACK.", String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));
        put(Keys.ADD_TIMESTAMP, "Payloads carry a timestamp: latency is measured from it. Both of the Publish"
                + " element's formats are detected (xmeter: millisecond resolution; precise: microseconds, plus"
                + " lost, duplicate and out-of-order counts).", "false");
        put(Keys.DEBUG_RESPONSE, "Put the received payloads (UTF-8) in the response data, at most 1 MiB per"
                + " sample; 5.0 message properties are listed too.", "false");
        put(Keys.NO_LOCAL, "5.0: do not receive our own publications (not allowed on shared subscriptions).",
                "false");
        put(Keys.RETAIN_AS_PUBLISHED, "5.0: keep the retain flag as the publisher set it.", "false");
        put(Keys.RETAIN_HANDLING, "5.0: 0 send retained messages at subscribe, 1 only for a new subscription,"
                + " 2 never. The number is what is saved.", "0");
        put(Keys.SUBSCRIPTION_IDENTIFIER, "5.0 Subscription Identifier (1-268435455). 0 = none.", "0");

        // Unsubscribe
        put("unsubscribe/" + Keys.CONNECTION_NAME, "Connection group whose connections unsubscribe: the"
                + " connection name of a Connect element.", "empty (= the thread's default group)");
        put("unsubscribe/" + Keys.TOPIC_NAME, "Topic filters to unsubscribe from, comma-separated, spelt exactly"
                + " as the Subscribe element subscribed them ($share/... included). Every connection of the group"
                + " sends UNSUBSCRIBE; from then on the group's Subscribe elements stop counting (and expecting)"
                + " messages on these filters.", Keys.DEFAULT_TOPIC);
        put(Keys.UNSUBSCRIBE_TIMEOUT, "How long to wait for every connection's UNSUBACK, ms. A connection that"
                + " does not answer in time fails the sample.", String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));

        // Disconnect
        put("disconnect/" + Keys.CONNECTION_NAME, "Connection group to close: the connection name of a Connect"
                + " element.", "empty (= the thread's default group)");
        put(Keys.DISCONNECT_REASON_CODE, "5.0 DISCONNECT reason code, 0-255 (e.g. 4 = disconnect with will"
                + " message). 0 = normal disconnection.", "0");
        put(Keys.DISCONNECT_SESSION_EXPIRY, "5.0: new Session Expiry Interval sent with DISCONNECT, seconds.",
                "empty (= not sent)");

        // Broker Statistics (its connection's fields share the Connect element's texts)
        put("stats/" + Keys.VERSION, "MQTT protocol version of this element's connection: 3.1, 3.1.1 or 5.0.",
                Keys.VERSION_3_1_1);
        put("stats/" + Keys.CLIENT_ID_PREFIX, "Client id prefix of this element's own connection; a random suffix"
                + " is always added.", Keys.DEFAULT_STATS_CLIENT_ID_PREFIX);
        put(Keys.SYS_TOPIC_ROOT, "Root of the broker's $SYS tree; the element subscribes to <root>/# and keeps the"
                + " latest value of every topic. Mosquitto: $SYS/broker; EMQX: $SYS/brokers (one tree per node,"
                + " figures added up over the nodes).", Keys.DEFAULT_SYS_TOPIC_ROOT);
        put(Keys.SYS_FIRST_TIMEOUT, "Milliseconds the first sample waits for the broker's first $SYS message;"
                + " then it fails with \"no $SYS messages within N ms\". Mosquitto publishes $SYS every"
                + " sys_interval seconds (10 by default, 0 = never). Later samples return at once.",
                String.valueOf(Keys.DEFAULT_SYS_FIRST_TIMEOUT_MS));
    }

    /** The tooltip of {@code key} in {@code element} ("connect", "publish", ...). */
    static String tip(String element, String key) {
        String[] t = TEXT.get(element + "/" + key);
        if (t == null) {
            t = TEXT.get(key);
        }
        if (t == null) {
            throw new IllegalArgumentException("no help for " + element + "/" + key);
        }
        return tip(t[0], t[1], key);
    }

    /** A tooltip: what the field does (lines split at \n), its default and the property it is saved in. */
    static String tip(String what, String dflt, String property) {
        return "<html><body style='width: " + WIDTH_PX + "px'>" + html(what).replace("\n", "<br>")
                + "<br><br>Default: <b>" + html(dflt) + "</b><br>Property: <code>" + html(property)
                + "</code></body></html>";
    }

    /** Puts the tooltip on the field (and on an editable combo's text field, which hides the combo's own). */
    static void apply(JComponent field, String element, String key) {
        String tip = tip(element, key);
        field.setToolTipText(tip);
        if (field instanceof JComboBox) {
            JComboBox<?> combo = (JComboBox<?>) field;
            combo.addPropertyChangeListener("editor", e -> editorTip(combo));
            editorTip(combo);
        }
    }

    private static void editorTip(JComboBox<?> combo) {
        if (combo.getEditor() != null && combo.getEditor().getEditorComponent() instanceof JComponent) {
            ((JComponent) combo.getEditor().getEditorComponent()).setToolTipText(combo.getToolTipText());
        }
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

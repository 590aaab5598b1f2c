package io.mqttload.jmeter.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Component;
import java.awt.HeadlessException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;

import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.property.BooleanProperty;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.testelement.property.PropertyIterator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mqttload.contract.Description;
import io.mqttload.jmeter.ConnectSampler;
import io.mqttload.jmeter.Keys;
import io.mqttload.jmeter.PublishSampler;
import io.mqttload.jmeter.SubscribeSampler;

/**
 * Every field of every element GUI: bound to its key, round-tripped, saved in the same format as before,
 * explained by a tooltip, and disabled when it does not apply. Runs without a display too (Swing's widgets need
 * none); {@link GuiScreenshotTest} checks the layout on one.
 */
class GuiFieldsTest {
    private static <G> G gui(Supplier<G> make) {
        try {
            return make.get();
        } catch (HeadlessException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            Assumptions.abort("no usable AWT here: " + e);
            return null;
        }
    }

    private static Widgets.Kind kind(String name) {
        return Widgets.kinds().stream().filter(k -> k.name.equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyKeyHasItsField() {
        for (Widgets.Kind kind : Widgets.kinds()) {
            MqttSamplerGui<?> g = gui(kind.gui);
            Set<String> bound = new TreeSet<>();
            g.boundFields().forEach(f -> assertTrue(bound.add(f.key()), kind + ": " + f.key() + " bound twice"));
            Set<String> described = new TreeSet<>();
            Description.get().element(kind.name).settings().stream().filter(x -> x.gui.mirrorOf.isEmpty())
                    .forEach(x -> described.add(x.key));
            assertEquals(described, bound, kind.name);
        }
    }

    @Test
    void everyFieldRoundTrips() {
        for (Widgets.Kind kind : Widgets.kinds()) {
            MqttSamplerGui<?> g = gui(kind.gui);
            for (String style : new String[] {"${v_%s}", "value of %s", " %s between spaces "}) {
                TestElement source = kind.element.get();
                Map<String, String> set = Widgets.fillAll(g, source, k -> String.format(style, k));
                g.configure(source);
                TestElement back = kind.element.get();
                g.modifyTestElement(back);
                set.forEach((k, v) -> {
                    assertEquals(v, back.getPropertyAsString(k), kind + " " + k);
                    assertEquals(Widgets.isBoolean(source, k), Widgets.isBoolean(back, k), kind + " type of " + k);
                });
            }
        }
    }

    @Test
    void newElementsSaveWhatTheyAlwaysSaved() {
        Map<String, List<String>> defaults = Map.of("connect", SavedFormat.CONNECT_DEFAULTS,
                "publish", SavedFormat.PUBLISH_DEFAULTS, "subscribe", SavedFormat.SUBSCRIBE_DEFAULTS,
                "unsubscribe", SavedFormat.UNSUBSCRIBE_DEFAULTS, "disconnect", SavedFormat.DISCONNECT_DEFAULTS,
                "stats", SavedFormat.STATS_DEFAULTS, "request", SavedFormat.REQUEST_DEFAULTS,
                "responder", SavedFormat.RESPONDER_DEFAULTS, "ratefinder", SavedFormat.RATEFINDER_DEFAULTS);
        for (Widgets.Kind kind : Widgets.kinds()) {
            MqttSamplerGui<?> g = gui(kind.gui);
            g.clearGui();
            TestElement e = kind.element.get();
            g.modifyTestElement(e);
            assertSavesAsBefore(kind.name, defaults.get(kind.name), Widgets.saved(e));
        }
    }

    @Test
    void editedElementsSaveWhatTheyAlwaysSaved() {
        Map<String, List<String>> full = Map.of("connect", SavedFormat.CONNECT_FULL,
                "publish", SavedFormat.PUBLISH_FULL, "subscribe", SavedFormat.SUBSCRIBE_FULL,
                "unsubscribe", SavedFormat.UNSUBSCRIBE_FULL, "disconnect", SavedFormat.DISCONNECT_FULL,
                "stats", SavedFormat.STATS_FULL, "request", SavedFormat.REQUEST_FULL,
                "responder", SavedFormat.RESPONDER_FULL, "ratefinder", SavedFormat.RATEFINDER_FULL);
        for (Widgets.Kind kind : Widgets.kinds()) {
            MqttSamplerGui<?> g = gui(kind.gui);
            g.clearGui();
            TestElement defaults = kind.element.get();
            g.modifyTestElement(defaults);
            // as recorded: every property a new element has, flipped or set to ${v_<key>}, and a group name
            TestElement source = kind.element.get();
            PropertyIterator it = defaults.propertyIterator();
            while (it.hasNext()) {
                JMeterProperty p = it.next();
                if (p.getName().startsWith("TestElement.")) {
                    continue;
                }
                if (p instanceof BooleanProperty) {
                    source.setProperty(p.getName(), !p.getBooleanValue());
                } else {
                    source.setProperty(p.getName(), "${v_" + p.getName().substring("mqtt.".length()) + "}");
                }
            }
            source.setProperty(Keys.CONNECTION_NAME, "${v_connection_name}");
            source.setName("named");
            source.setComment("a comment");
            g.configure(source);
            TestElement e = kind.element.get();
            g.modifyTestElement(e);
            assertSavesAsBefore(kind.name, full.get(kind.name), Widgets.saved(e));
        }
    }

    /**
     * What an element saves is what it saved when {@code recorded} was recorded, in the same order, plus the
     * settings added to the description since (each where the description puts it).
     */
    private static void assertSavesAsBefore(String element, List<String> recorded, List<String> saved) {
        Set<String> recordedKeys = new TreeSet<>();
        recorded.forEach(r -> recordedKeys.add(r.substring(0, r.indexOf('|'))));
        List<String> old = new java.util.ArrayList<>();
        for (String s : saved) {
            String key = s.substring(0, s.indexOf('|'));
            if (recordedKeys.contains(key)) {
                old.add(s);
            } else {
                assertTrue(Description.get().element(element).has(key), element + " saves " + s);
            }
        }
        assertEquals(recorded, old, element);
    }

    @Test
    void everyFieldAndLabelExplainsItself() {
        for (Widgets.Kind kind : Widgets.kinds()) {
            MqttSamplerGui<?> g = gui(kind.gui);
            for (Fields.Field f : g.boundFields()) {
                String tip = f.component().getToolTipText();
                assertNotNull(tip, kind + " " + f.key());
                assertTrue(tip.contains("Property: <code>" + f.key() + "</code>"), kind + " " + f.key() + ": " + tip);
                assertTrue(tip.contains("Default: <b>"), kind + " " + f.key() + ": " + tip);
                if (f.component() instanceof JComboBox && ((JComboBox<?>) f.component()).isEditable()) {
                    JComponent editor = (JComponent) ((JComboBox<?>) f.component()).getEditor().getEditorComponent();
                    assertEquals(tip, editor.getToolTipText(), kind + " editor of " + f.key());
                }
            }
            for (JComponent c : Widgets.inputs(g)) {
                assertNotNull(c.getToolTipText(), kind + ": " + c.getClass().getSimpleName() + " "
                        + (c instanceof JCheckBox ? ((JCheckBox) c).getText() : "") + " in "
                        + ancestors(c) + " has no tooltip");
            }
            for (Component c : Widgets.all(g)) {
                if (c instanceof JLabel && ((JLabel) c).getLabelFor() instanceof JComponent) {
                    JLabel l = (JLabel) c;
                    assertEquals(((JComponent) l.getLabelFor()).getToolTipText(), l.getToolTipText(),
                            kind + " label " + l.getText());
                }
            }
        }
    }

    private static String ancestors(Component c) {
        StringBuilder b = new StringBuilder();
        for (Component p = c.getParent(); p != null; p = p.getParent()) {
            b.append(p.getClass().getName()).append(' ');
        }
        return b.toString();
    }

    @Test
    void theTimestampFormatsAreExplained() {
        PublishSamplerGui g = gui(PublishSamplerGui::new);
        String tip = Widgets.field(g, Keys.TIMESTAMP_FORMAT).getToolTipText();
        for (String s : new String[] {"none:", "xmeter:", "precise:", "ts_sep_flag", "mqlt:", "epoch nanoseconds",
            "millisecond", "microsecond"}) {
            assertTrue(tip.contains(s.replace("<", "&lt;")), s + " in " + tip);
        }
        Set<String> notes = new LinkedHashSet<>();
        for (String f : new String[] {"none", "xmeter", "precise", "${ts}", "bogus"}) {
            PublishSampler s = new PublishSampler();
            s.setProperty(Keys.TIMESTAMP_FORMAT, f);
            g.configure(s);
            assertTrue(notes.add(g.choiceNoteText(Keys.TIMESTAMP_FORMAT)), f + ": " + g.choiceNoteText(Keys.TIMESTAMP_FORMAT));
        }
        assertTrue(g.choiceNoteText(Keys.TIMESTAMP_FORMAT).contains("bogus"), g.choiceNoteText(Keys.TIMESTAMP_FORMAT));
        SubscribeSamplerGui sub = gui(SubscribeSamplerGui::new);
        String subTip = Widgets.field(sub, Keys.ADD_TIMESTAMP).getToolTipText();
        assertTrue(subTip.contains("xmeter") && subTip.contains("precise"), subTip);
    }

    private static boolean enabled(MqttSamplerGui<?> g, String key) {
        return Widgets.field(g, key).isEnabled();
    }

    @Test
    void connectFieldsFollowProtocolVersionWillAndCertificate() {
        ConnectSamplerGui g = gui(ConnectSamplerGui::new);
        String[] tls = {Keys.CA_FILE, Keys.TLS_SERVER_NAME, Keys.TLS_MIN_VERSION, Keys.TLS_VERIFY_HOSTNAME,
            Keys.TLS_TRUST_ALL, Keys.DUAL_SSL_AUTHENTICATION};
        String[] cert = {Keys.CLIENT_CERT_FILE_PATH, Keys.CLIENT_CERT_PASSWORD, Keys.CLIENT_KEY_FILE};
        String[] v5 = {Keys.SESSION_EXPIRY, Keys.RECEIVE_MAXIMUM, Keys.MAXIMUM_PACKET_SIZE, Keys.TOPIC_ALIAS_MAXIMUM,
            Keys.REQUEST_RESPONSE_INFO, Keys.USER_PROPERTIES};
        String[] will = {Keys.WILL_TOPIC, Keys.WILL_MESSAGE, Keys.WILL_QOS, Keys.WILL_RETAIN};
        String[] will5 = {Keys.WILL_DELAY_INTERVAL, Keys.WILL_MESSAGE_EXPIRY, Keys.WILL_CONTENT_TYPE};
        // protocol -> {TLS applies, WebSocket path applies}
        Object[][] protocols = {{"TCP", false, false}, {"SSL", true, false}, {"WS", false, true},
            {"WSS", true, true}, {"${proto}", true, true}};
        for (Object[] p : protocols) {
            ConnectSampler s = new ConnectSampler();
            s.setProperty(Keys.PROTOCOL, (String) p[0]);
            s.setProperty(Keys.DUAL_SSL_AUTHENTICATION, true);
            g.configure(s);
            for (String k : tls) {
                assertEquals(p[1], enabled(g, k), p[0] + " " + k);
            }
            for (String k : cert) {
                assertEquals(p[1], enabled(g, k), p[0] + " " + k);
            }
            assertEquals(p[2], enabled(g, Keys.WS_PATH), p[0] + " ws path");
        }
        ConnectSampler s = new ConnectSampler();
        s.setProperty(Keys.PROTOCOL, "SSL");
        g.configure(s);
        for (String k : cert) {
            assertFalse(enabled(g, k), "no two-way TLS: " + k);
        }
        ((JCheckBox) Widgets.field(g, Keys.DUAL_SSL_AUTHENTICATION)).setSelected(true);
        for (String k : cert) {
            assertTrue(enabled(g, k), "two-way TLS ticked: " + k);
        }
        ((JCheckBox) Widgets.field(g, Keys.TLS_TRUST_ALL)).setSelected(true);
        assertFalse(enabled(g, Keys.CA_FILE), "trust all: no CA file");
        assertFalse(enabled(g, Keys.TLS_VERIFY_HOSTNAME), "trust all: no host name check");
        assertTrue(enabled(g, Keys.TLS_SERVER_NAME), "trust all: SNI still sent");

        // version x will -> which will and 5.0 fields apply
        for (String version : new String[] {"3.1", "3.1.1", "5.0", "${v}"}) {
            for (String willTopic : new String[] {"", "last/words"}) {
                ConnectSampler c = new ConnectSampler();
                c.setProperty(Keys.VERSION, version);
                c.setProperty(Keys.WILL_TOPIC, willTopic);
                g.configure(c);
                boolean isV5 = !version.startsWith("3");
                boolean hasWill = !willTopic.isEmpty();
                for (String k : v5) {
                    assertEquals(isV5, enabled(g, k), version + " " + k);
                }
                for (String k : will) {
                    assertEquals(hasWill, enabled(g, k), "will '" + willTopic + "' " + k);
                }
                for (String k : will5) {
                    assertEquals(isV5 && hasWill, enabled(g, k), version + " will '" + willTopic + "' " + k);
                }
            }
        }
    }

    @Test
    void untickingTheWillSavesNoWill() {
        ConnectSamplerGui g = gui(ConnectSamplerGui::new);
        ConnectSampler c = new ConnectSampler();
        c.setProperty(Keys.WILL_TOPIC, "last/words");
        c.setProperty(Keys.WILL_MESSAGE, "bye");
        g.configure(c);
        ConnectSampler kept = new ConnectSampler();
        g.modifyTestElement(kept);
        assertEquals("last/words", kept.getPropertyAsString(Keys.WILL_TOPIC));
        JCheckBox willOn = Widgets.all(g).stream().filter(x -> x instanceof JCheckBox)
                .map(x -> (JCheckBox) x).filter(x -> x.getText().contains("last will")).findFirst().orElseThrow();
        assertTrue(willOn.isSelected());
        willOn.setSelected(false);
        ConnectSampler none = new ConnectSampler();
        g.modifyTestElement(none);
        assertEquals("", none.getPropertyAsString(Keys.WILL_TOPIC));
        assertEquals("bye", none.getPropertyAsString(Keys.WILL_MESSAGE), "the rest is kept as it is");
    }

    @Test
    void publishFieldsFollowTheMessageTypeAndTimestamp() {
        PublishSamplerGui g = gui(PublishSamplerGui::new);
        // type -> {random fields apply, message text applies, payload file applies, payload folder applies}
        Object[][] types = {{Keys.MESSAGE_TYPE_STRING, false, true, false, false},
            {Keys.MESSAGE_TYPE_HEX, false, true, false, false}, {Keys.MESSAGE_TYPE_RANDOM, true, false, false, false},
            {Keys.MESSAGE_TYPE_FILE, false, false, true, false}, {Keys.MESSAGE_TYPE_FOLDER, false, false, false, true},
            {"${type}", true, true, true, true}};
        for (Object[] t : types) {
            PublishSampler s = new PublishSampler();
            s.setProperty(Keys.MESSAGE_TYPE, (String) t[0]);
            g.configure(s);
            assertEquals(t[1], enabled(g, Keys.MESSAGE_TYPE_FIXED_LENGTH), t[0] + " length");
            assertEquals(t[1], enabled(g, Keys.RANDOM_PER_MESSAGE), t[0] + " random per message");
            assertEquals(t[2], enabled(g, Keys.MESSAGE_TO_SENT), t[0] + " message");
            assertEquals(t[3], enabled(g, Keys.PAYLOAD_FILE), t[0] + " payload file");
            assertEquals(t[4], enabled(g, Keys.PAYLOAD_FOLDER), t[0] + " payload folder");
        }
        Object[][] formats = {{"none", false}, {"xmeter", false}, {"precise", true}, {"${ts}", true}};
        for (Object[] f : formats) {
            PublishSampler s = new PublishSampler();
            s.setProperty(Keys.TIMESTAMP_FORMAT, (String) f[0]);
            g.configure(s);
            assertEquals(f[1], enabled(g, Keys.END_MARKER), f[0] + " end marker");
        }
        // pace mode -> {interval, rate, duration and cap, messages per sample and target}
        Object[][] paces = {{Keys.PACE_BURST, false, false, false, true},
            {Keys.PACE_INTERVAL, true, false, true, false},
            {Keys.PACE_RATE_PER_CONNECTION, false, true, true, false},
            {Keys.PACE_RATE_PER_GROUP, false, true, true, false}, {"${pace}", true, true, true, true}};
        for (Object[] p : paces) {
            PublishSampler s = new PublishSampler();
            s.setProperty(Keys.PACE_MODE, (String) p[0]);
            g.configure(s);
            assertEquals(p[1], enabled(g, Keys.PACE_INTERVAL_MS), p[0] + " interval");
            assertEquals(p[2], enabled(g, Keys.PACE_RATE), p[0] + " rate");
            assertEquals(p[3], enabled(g, Keys.PACE_DURATION_MS), p[0] + " duration");
            assertEquals(p[3], enabled(g, Keys.PACE_MESSAGES), p[0] + " cap");
            assertEquals(p[4], enabled(g, Keys.MESSAGES_PER_SAMPLE), p[0] + " messages per sample");
            assertEquals(p[4], enabled(g, Keys.PUBLISH_TARGET), p[0] + " target");
        }
    }

    @Test
    void subscribeValueLabelFollowsTheCondition() {
        SubscribeSamplerGui g = gui(SubscribeSamplerGui::new);
        String[][] cases = {{Keys.CONDITION_TIME_LABEL, "Elapsed time (ms):"},
            {Keys.CONDITION_COUNT_LABEL, "Messages:"}, {"count", "Messages:"}, {"${cond}", "Value (ms or messages):"}};
        for (String[] c : cases) {
            SubscribeSampler s = new SubscribeSampler();
            s.setProperty(Keys.SAMPLE_CONDITION, c[0]);
            g.configure(s);
            assertEquals(c[1], Form.label(Widgets.field(g, Keys.SAMPLE_CONDITION_VALUE)).orElseThrow().getText(),
                    c[0]);
        }
    }
}

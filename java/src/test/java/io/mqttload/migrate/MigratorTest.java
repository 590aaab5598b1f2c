package io.mqttload.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class MigratorTest {
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<jmeterTestPlan version=\"1.2\" properties=\"5.0\" jmeter=\"5.4.1\">\n  <hashTree>\n";
    private static final String TAIL = "  </hashTree>\n</jmeterTestPlan>\n";

    private static String plan(String body) {
        return HEAD + body + TAIL;
    }

    private static String element(String cls, String gui, String props) {
        return "    <net.xmeter.samplers." + cls + " guiclass=\"net.xmeter.gui." + gui + "\" testclass=\"net.xmeter.samplers."
                + cls + "\" testname=\"T\" enabled=\"true\">\n" + props + "    </net.xmeter.samplers." + cls + ">\n"
                + "    <hashTree/>\n";
    }

    private static String prop(String key, String value) {
        return "      <stringProp name=\"" + key + "\">" + value + "</stringProp>\n";
    }

    private static String bool(String key, String value) {
        return "      <boolProp name=\"" + key + "\">" + value + "</boolProp>\n";
    }

    private static Migrator.Result migrate(String xml) throws MigrationException {
        return new Migrator().migrate(xml);
    }

    @Test
    void connectClassesVersionAndAttemptSpellings() throws Exception {
        Migrator.Result r = migrate(plan(element("ConnectSampler", "ConnectSamplerUI",
                prop("mqtt.server", "broker") + prop("mqtt.version", "3.1") + prop("mqtt.conn_attampt_max", "3")
                        + prop("mqtt.reconn_attampt_max", "-1") + prop("mqtt.password", "hunter2"))));
        assertTrue(r.xml.contains("<io.mqttload.jmeter.ConnectSampler guiclass=\"io.mqttload.jmeter.gui.ConnectSamplerGui\""
                + " testclass=\"io.mqttload.jmeter.ConnectSampler\" testname=\"T\" enabled=\"true\">"), r.xml);
        assertTrue(r.xml.contains("</io.mqttload.jmeter.ConnectSampler>"), r.xml);
        assertTrue(r.xml.contains(prop("mqtt.version", "3.1.1")), r.xml);
        assertTrue(r.xml.contains(prop("mqtt.conn_attempt_max", "3")), r.xml);
        assertTrue(r.xml.contains(prop("mqtt.reconn_attempt_max", "-1")), r.xml);
        assertFalse(r.xml.contains("attampt"), r.xml);
        String text = r.report.toText();
        assertFalse(text.contains("hunter2"), text);
        assertTrue(text.contains("mqtt.password = ***"), text);
        assertEquals(0, r.report.notMapped());
    }

    @Test
    void bothAttemptSpellingsKeepTheNewOne() throws Exception {
        Migrator.Result r = migrate(plan(element("ConnectSampler", "ConnectSamplerUI",
                prop("mqtt.conn_attampt_max", "3") + prop("mqtt.conn_attempt_max", "5"))));
        assertTrue(r.xml.contains(prop("mqtt.conn_attempt_max", "5")), r.xml);
        assertFalse(r.xml.contains("attampt"), r.xml);
        assertTrue(r.report.toText().contains("mqtt.conn_attampt_max = '3' removed"), r.report.toText());
    }

    @Test
    void fusesourceKeepsARealThreeOneAndAnAbsentVersionIsMadeExplicit() throws Exception {
        Migrator.Result fuse = migrate(plan(element("ConnectSampler", "ConnectSamplerUI",
                prop("mqtt.version", "3.1") + prop("mqtt.client_name", "fusesource"))));
        assertTrue(fuse.xml.contains(prop("mqtt.version", "3.1")), fuse.xml);
        assertEquals(1, fuse.report.notMapped()); // mqtt.client_name: reported and kept
        assertTrue(fuse.xml.contains(prop("mqtt.client_name", "fusesource")), fuse.xml);
        Migrator.Result absent = migrate(plan(element("ConnectSampler", "ConnectSamplerUI",
                prop("mqtt.server", "b") + prop("mqtt.port", "1883"))));
        assertTrue(absent.xml.contains(prop("mqtt.port", "1883") + prop("mqtt.version", "3.1.1")), absent.xml);
    }

    @Test
    void cleanSessionIsReadAsXmeterDid() throws Exception {
        assertTrue(migrate(plan(element("ConnectSampler", "ConnectSamplerUI", prop("mqtt.conn_clean_session", ""))))
                .xml.contains(prop("mqtt.conn_clean_session", "false")));
        assertTrue(migrate(plan(element("ConnectSampler", "ConnectSamplerUI",
                prop("mqtt.conn_clean_session", "${clean}")))).xml.contains(prop("mqtt.conn_clean_session", "${clean}")));
        assertTrue(migrate(plan(element("ConnectSampler", "ConnectSamplerUI", prop("mqtt.conn_clean_session", "TRUE"))))
                .xml.contains(prop("mqtt.conn_clean_session", "TRUE")));
    }

    @Test
    void sslTrustsAnyCertificateUnlessACaFileIsGiven() throws Exception {
        String xml = plan(element("ConnectSampler", "ConnectSamplerUI", prop("mqtt.protocol", "SSL")
                + bool("mqtt.dual_ssl_authentication", "true") + prop("mqtt.clientcert_file_path", "certs/c.p12")
                + prop("mqtt.clientcert_password", "pw")));
        Migrator.Result r = migrate(xml);
        assertTrue(r.xml.contains(prop("mqtt.protocol", "SSL") + bool("mqtt.tls_trust_all", "true")), r.xml);
        assertTrue(r.report.toText().contains("is relative"), r.report.toText());
        assertEquals(1, r.report.toText().split("mqtt.tls_trust_all", -1).length - 1, "reported once: " + r.report.toText());
        Migrator.Result ca = new Migrator("/etc/ca.pem").migrate(xml);
        assertTrue(ca.xml.contains(prop("mqtt.protocol", "SSL") + prop("mqtt.ca_file", "/etc/ca.pem")), ca.xml);
        assertFalse(ca.xml.contains("tls_trust_all"), ca.xml);
        Migrator.Result tcp = migrate(plan(element("ConnectSampler", "ConnectSamplerUI", prop("mqtt.protocol", "TCP"))));
        assertFalse(tcp.xml.contains("tls_trust_all"), tcp.xml);
    }

    @Test
    void publishTimestampAndXmeterDefaultMessageType() throws Exception {
        Migrator.Result r = migrate(plan(element("PubSampler", "PubSamplerUI",
                prop("mqtt.topic_name", "t") + bool("mqtt.add_timestamp", "true"))));
        assertTrue(r.xml.contains("<io.mqttload.jmeter.PublishSampler guiclass=\"io.mqttload.jmeter.gui.PublishSamplerGui\""),
                r.xml);
        assertTrue(r.xml.contains(bool("mqtt.add_timestamp", "true") + prop("mqtt.timestamp_format", "xmeter")), r.xml);
        assertTrue(r.xml.contains(prop("mqtt.message_type", "Random string with fixed length")), r.xml);
        Migrator.Result off = migrate(plan(element("PubSampler", "PubSamplerUI",
                bool("mqtt.add_timestamp", "false") + prop("mqtt.message_type", "String"))));
        assertTrue(off.xml.contains(prop("mqtt.timestamp_format", "none")), off.xml);
    }

    @Test
    void subscribeConditionOtherThanTheTimeLabelMeantACount() throws Exception {
        Migrator.Result r = migrate(plan(element("SubSampler", "SubSamplerUI",
                prop("mqtt.sample_condition", "Number of messages") + prop("mqtt.sample_condition_value", "5"))));
        assertTrue(r.xml.contains(prop("mqtt.sample_condition", "number of received messages")), r.xml);
        Migrator.Result time = migrate(plan(element("SubSampler", "SubSamplerUI",
                prop("mqtt.sample_condition", "specified elapsed time (ms)"))));
        assertTrue(time.xml.contains(prop("mqtt.sample_condition", "specified elapsed time (ms)")), time.xml);
    }

    @Test
    void efficientElementsBecomeAConnectionGroup() throws Exception {
        Migrator.Result r = migrate(plan(element("EfficientConnectSampler", "EfficientConnectSamplerUI",
                prop("mqtt.conn_capacity", "50") + bool("mqtt.sub_when_connected", "true") + prop("mqtt.topic_name", "a"))
                + "    <net.xmeter.samplers.EfficientDisConnectSampler guiclass=\"net.xmeter.gui.EfficientDisConnectSamplerUI\""
                + " testclass=\"net.xmeter.samplers.EfficientDisConnectSampler\" testname=\"D\" enabled=\"true\"/>\n"));
        assertTrue(r.xml.contains(prop("mqtt.conn_capacity", "50")), r.xml);
        assertTrue(r.xml.contains("<io.mqttload.jmeter.DisconnectSampler guiclass=\"io.mqttload.jmeter.gui.DisconnectSamplerGui\""
                + " testclass=\"io.mqttload.jmeter.DisconnectSampler\" testname=\"D\" enabled=\"true\"/>"), r.xml);
        assertTrue(r.xml.contains(bool("mqtt.sub_when_connected", "true")), "unsupported keys stay: " + r.xml);
        assertEquals(1, r.report.notMapped());
        assertTrue(r.report.toText().contains("NOT MAPPED mqtt.sub_when_connected = 'true'"), r.report.toText());
    }

    @Test
    void unknownKeysAreReportedAndKeptJmetersOwnPassSilently() throws Exception {
        Migrator.Result r = migrate(plan(element("SubSampler", "SubSamplerUI",
                prop("mqtt.something_new", "x") + prop("TestElement.comments", "c &amp; d"))));
        assertTrue(r.xml.contains(prop("mqtt.something_new", "x") + prop("TestElement.comments", "c &amp; d")), r.xml);
        assertEquals(1, r.report.notMapped());
        assertTrue(r.report.toText().contains("NOT MAPPED mqtt.something_new = 'x': unknown key"), r.report.toText());
        assertFalse(r.report.toText().contains("TestElement.comments"), r.report.toText());
    }

    @Test
    void escapedValuesAreReadAndUntouchedOnesKeepTheirBytes() throws Exception {
        String odd = "      <stringProp name=\"mqtt.message_to_sent\">&lt;a&gt; &amp;&#x41;\u00e9</stringProp>\n";
        Migrator.Result r = migrate(plan(element("PubSampler", "PubSamplerUI", odd + prop("mqtt.message_type", "String"))));
        assertTrue(r.xml.contains(odd), r.xml);
        assertTrue(r.report.toText().contains("'<a> &A\u00e9'"), r.report.toText());
    }

    @Test
    void selfClosingElementThatGainsPropertiesIsOpened() throws Exception {
        String xml = plan("    <net.xmeter.samplers.PubSampler guiclass=\"net.xmeter.gui.PubSamplerUI\""
                + " testclass=\"net.xmeter.samplers.PubSampler\" testname=\"P\" enabled=\"true\"/>\n    <hashTree/>\n");
        Migrator.Result r = migrate(xml);
        assertTrue(r.xml.contains("testname=\"P\" enabled=\"true\">\n      <stringProp name=\"mqtt.message_type\">"
                + "Random string with fixed length</stringProp>\n      <stringProp name=\"mqtt.timestamp_format\">none"
                + "</stringProp>\n    </io.mqttload.jmeter.PublishSampler>\n    <hashTree/>"), r.xml);
    }

    @Test
    void commentsAndCrLfOutsideElementsAreCopied() throws Exception {
        String body = "    <!-- <net.xmeter.samplers.PubSampler> in a comment stays -->\r\n"
                + element("DisConnectSampler", "DisConnectSamplerUI", "").replace("\n", "\r\n");
        Migrator.Result r = migrate(plan(body));
        assertTrue(r.xml.contains("<!-- <net.xmeter.samplers.PubSampler> in a comment stays -->\r\n"), r.xml);
        assertTrue(r.xml.contains("<io.mqttload.jmeter.DisconnectSampler"), r.xml);
        assertEquals(1, r.report.elements().size());
    }

    @Test
    void planWithoutXmeterElementsIsIdentical() throws Exception {
        try (Stream<Path> files = Files.list(repo().resolve("examples"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".jmx"))::iterator) {
                String xml = Migrator.read(p);
                Migrator.Result r = migrate(xml);
                assertEquals(xml, r.xml, p.toString());
                assertTrue(r.report.elements().isEmpty());
            }
        }
    }

    @Test
    void xmeterTestPlansConvertCompletely() throws Exception {
        try (Stream<Path> files = Files.list(repo().resolve("tests/plans/xmeter"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".jmx"))::iterator) {
                Migrator.Result r = migrate(Migrator.read(p));
                assertFalse(r.xml.contains("net.xmeter"), p.toString());
                assertFalse(r.report.elements().isEmpty(), p.toString());
            }
        }
    }

    @Test
    void unreadableInputsAreRefusedWithTheirReason() throws IOException {
        assertTrue(assertThrows(MigrationException.class, () -> migrate("<jmeterTestPlan><hashTree>"))
                .getMessage().contains("not well-formed XML (line 1"));
        // found by MigrationFuzzTest: at the end of a truncated plan the parser's line was -1
        String truncated = assertThrows(MigrationException.class, () -> migrate("<?xml version=")).getMessage();
        assertTrue(truncated.contains("(line 1, column 15)"), truncated);
        String empty = assertThrows(MigrationException.class, () -> migrate("")).getMessage();
        assertTrue(empty.contains("(line 1, column 1)"), empty);
        assertTrue(assertThrows(MigrationException.class, () -> migrate("<project/>"))
                .getMessage().contains("not a JMeter test plan (root element <project>"));
        assertTrue(assertThrows(MigrationException.class,
                () -> migrate("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><jmeterTestPlan>&e;</jmeterTestPlan>"))
                .getMessage().contains("not well-formed XML"));
        Path bin = Files.createTempFile("plan", ".jmx");
        try {
            Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0});
            assertTrue(assertThrows(MigrationException.class, () -> Migrator.read(bin)).getMessage()
                    .contains("is not UTF-8 text"));
        } finally {
            Files.delete(bin);
        }
        assertTrue(assertThrows(MigrationException.class, () -> Migrator.read(Paths.get("/no/such/plan.jmx")))
                .getMessage().contains("no such file"));
        assertTrue(new String("ok".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals("ok"));
    }

    /** The repository root (Maven runs the tests there). */
    static Path repo() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("tests/plans/xmeter"))) {
            p = p.getParent();
        }
        return p;
    }
}

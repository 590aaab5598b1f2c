package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mqttload.contract.Description;
import io.mqttload.contract.Figures;
import io.mqttload.jmeter.settings.PropertySource;
import io.mqttload.jmeter.settings.SettingsDocument;
import io.mqttload.jni.NativeLoader;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/** The samplers' own paths (bad settings are refused by the engine, which the build puts beside the tests). */
class SamplersTest {
    private JMeterVariables vars;

    @BeforeEach
    void setUp() {
        vars = new JMeterVariables();
        JMeterContextService.getContext().setVariables(vars);
    }

    @AfterEach
    void tearDown() {
        Connections.closeAll();
    }

    @Test
    void publishWithoutConnectionIs500() {
        PublishSampler s = new PublishSampler();
        s.setName("pub");
        SampleResult r = s.sample(null);
        assertEquals("pub", r.getSampleLabel());
        assertFalse(r.isSuccessful());
        assertEquals("500", r.getResponseCode());
        assertEquals(Results.NO_CONNECTION_MESSAGE, r.getResponseMessage());
    }

    @Test
    void publishBadQosIs502() {
        PublishSampler s = new PublishSampler();
        s.setProperty(Keys.QOS_LEVEL, "3");
        SampleResult r = s.sample(null);
        assertEquals("502", r.getResponseCode());
        assertEquals("QoS (mqtt.qos_level): must be 0, 1 or 2 (got '3')", r.getResponseMessage());
    }

    @Test
    void brokerStatsBadSettingIs501NamingItAndClearsVariables() {
        vars.put("MQTT_BROKER_CLIENTS", "17");
        BrokerStatsSampler s = new BrokerStatsSampler();
        s.setProperty(Keys.SYS_TOPIC_ROOT, "$SYS/#");
        SampleResult r = s.sample(null);
        assertFalse(r.isSuccessful());
        assertEquals("501", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("Topic root (" + Keys.SYS_TOPIC_ROOT + "): "),
                r.getResponseMessage());
        for (String v : BrokerStatsSampler.VARIABLES) {
            assertEquals("", vars.get(v), v);
        }
    }

    @Test
    void subscribeWithoutConnectionIs500AndClearsVariables() {
        vars.put("MQTT_SUB_RECEIVED", "17");
        SubscribeSampler s = new SubscribeSampler();
        SampleResult r = s.sample(null);
        assertEquals("500", r.getResponseCode());
        assertEquals("", vars.get("MQTT_SUB_RECEIVED"));
        assertEquals("", vars.get("MQTT_SUB_OUT_OF_ORDER"));
    }

    @Test
    void subscribeBadParametersUse510To512() {
        SubscribeSampler s = new SubscribeSampler();
        s.setProperty(Keys.QOS_LEVEL, "3");
        assertEquals("511", s.sample(null).getResponseCode());
        s.setProperty(Keys.QOS_LEVEL, "0");
        s.setProperty(Keys.SAMPLE_CONDITION_VALUE, "abc");
        SampleResult r = s.sample(null);
        assertEquals("510", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.sample_condition_value")
                && r.getResponseMessage().contains("abc"), r.getResponseMessage());
        s.setProperty(Keys.SAMPLE_CONDITION_VALUE, "10");
        s.setProperty(Keys.TOPIC_NAME, "");
        assertEquals("512", s.sample(null).getResponseCode());
    }

    @Test
    void subscribeVariablesAndMessage() {
        long[] st = figures();
        long[] first = {13207, 1500, 1200, 2500, 4000, 9000, 2, 0, -1, 300, 5, 7, 1};
        System.arraycopy(first, 0, st, 0, first.length);
        Outcome o = new Outcome(true, "200", "x", 0, 13207, 0, 0, st, null);
        String[] v = SubscribeSampler.VARIABLES.values(o);
        assertEquals("13207", v[0]);
        assertEquals("1500", v[1]);
        assertEquals("9000", v[5]);
        assertEquals("2", v[6]);
        assertEquals("0", v[7]);
        assertEquals("", v[8]);
        assertEquals("5", v[9]);
        assertEquals("7", v[10]);
        assertEquals("1", v[11]);
        assertEquals(java.util.Arrays.asList("MQTT_SUB_RECEIVED", "MQTT_SUB_MEAN_US", "MQTT_SUB_P50_US",
                "MQTT_SUB_P90_US", "MQTT_SUB_P99_US", "MQTT_SUB_MAX_US", "MQTT_SUB_LOST", "MQTT_SUB_DUPLICATES",
                "MQTT_SUB_OUT_OF_ORDER", "MQTT_SUB_PENDING", "MQTT_SUB_LOST_TOTAL", "MQTT_SUB_DUPLICATES_TOTAL",
                "MQTT_CLOCK_OFFSET_US", "MQTT_CLOCK_UNCERTAINTY_US", "MQTT_CLOCK_CORRECTED"),
                java.util.Arrays.asList(SubscribeSampler.VARIABLES.names()));
        assertEquals("Received 13207 of message.", SubscribeSampler.receivedMessage(13207));
        for (String e : SubscribeSampler.VARIABLES.values(null)) {
            assertEquals("", e);
        }
    }

    @Test
    void clockVariablesMayBeNegativeAndAreEmptyUntilMeasured() {
        java.util.List<String> names = java.util.Arrays.asList(SubscribeSampler.VARIABLES.names());
        int offset = names.indexOf("MQTT_CLOCK_OFFSET_US");
        int uncertainty = names.indexOf("MQTT_CLOCK_UNCERTAINTY_US");
        long[] st = figures();
        st[Figures.index("clockOffsetUs")] = -1;
        st[Figures.index("clockUncertaintyUs")] = 210;
        String[] v = SubscribeSampler.VARIABLES.values(new Outcome(true, "200", "x", 0, 1, 0, 0, st, null));
        assertEquals("-1", v[offset]);
        assertEquals("210", v[uncertainty]);
        st[Figures.index("clockOffsetUs")] = Long.MIN_VALUE;
        st[Figures.index("clockUncertaintyUs")] = -1;
        v = SubscribeSampler.VARIABLES.values(new Outcome(true, "200", "x", 0, 1, 0, 0, st, null));
        assertEquals("", v[offset]);
        assertEquals("", v[uncertainty]);
    }

    @Test
    void publishVariables() {
        long[] st = figures();
        st[Figures.index("pubSent")] = 998;
        st[Figures.index("pubIntended")] = 1000;
        st[Figures.index("pubLagP50Us")] = 120;
        st[Figures.index("pubLagP99Us")] = 900;
        st[Figures.index("pubRateMilli")] = 99_800;
        Outcome o = new Outcome(false, "501", "x", 0, 1000, 2, 0, st, null);
        assertEquals(java.util.Arrays.asList("998", "1000", "120", "900", "99.8"),
                java.util.Arrays.asList(PublishSampler.VARIABLES.values(o)));
        assertEquals(java.util.Arrays.asList("MQTT_PUB_SENT", "MQTT_PUB_INTENDED", "MQTT_PUB_LAG_P50_US",
                "MQTT_PUB_LAG_P99_US", "MQTT_PUB_RATE"), java.util.Arrays.asList(PublishSampler.VARIABLES.names()));
        // burst: no lag; a whole rate has no decimals
        st[Figures.index("pubLagP50Us")] = -1;
        st[Figures.index("pubLagP99Us")] = -1;
        st[Figures.index("pubRateMilli")] = 5_000_000;
        assertEquals(java.util.Arrays.asList("998", "1000", "", "", "5000"),
                java.util.Arrays.asList(PublishSampler.VARIABLES.values(o)));
        for (String e : PublishSampler.VARIABLES.values(null)) {
            assertEquals("", e);
        }
    }

    @Test
    void requestAndResponderWithoutConnectionAre500AndClearVariables() {
        vars.put("MQTT_REQ_SENT", "17");
        vars.put("MQTT_RSP_ANSWERED", "17");
        SampleResult r = new RequestSampler().sample(null);
        assertEquals("500", r.getResponseCode());
        assertEquals(Results.NO_CONNECTION_MESSAGE, r.getResponseMessage());
        assertEquals("", vars.get("MQTT_REQ_SENT"));
        assertEquals("500", new ResponderSampler().sample(null).getResponseCode());
        assertEquals("", vars.get("MQTT_RSP_ANSWERED"));
    }

    @Test
    void requestAndResponderBadSettingsAre502NamingTheSetting() {
        RequestSampler q = new RequestSampler();
        q.setProperty(Keys.REPLY_CHECK, "regex");
        q.setProperty(Keys.REPLY_CHECK_VALUE, "(unclosed");
        SampleResult r = q.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("Expected (mqtt.reply_check_value): not a regular expression"),
                r.getResponseMessage());
        q.setProperty(Keys.REPLY_CHECK, "none");
        q.setProperty(Keys.REPLY_TOPIC, "replies/{{seq}}");
        r = q.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("Reply topic (mqtt.reply_topic): "), r.getResponseMessage());
        ResponderSampler p = new ResponderSampler();
        p.setProperty(Keys.REPLY_PAYLOAD, "{{target}}");
        r = p.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("Reply payload (mqtt.reply_payload): unknown placeholder"),
                r.getResponseMessage());
    }

    @Test
    void requestAndResponderVariables() {
        long[] st = figures();
        st[Figures.index("reqSent")] = 10;
        st[Figures.index("reqMatched")] = 9;
        st[Figures.index("reqTimeouts")] = 1;
        st[Figures.index("reqCheckFailed")] = 0;
        st[Figures.index("reqRttP50Us")] = 1500;
        Outcome o = new Outcome(false, "501", "x", 0, 10, 1, 0, st, null);
        assertEquals(java.util.Arrays.asList("MQTT_REQ_SENT", "MQTT_REQ_MATCHED", "MQTT_REQ_TIMEOUTS",
                "MQTT_REQ_CHECK_FAILED", "MQTT_REQ_UNMATCHED", "MQTT_REQ_DUPLICATES", "MQTT_REQ_LATE",
                "MQTT_REQ_RTT_MEAN_US", "MQTT_REQ_RTT_P50_US", "MQTT_REQ_RTT_P90_US", "MQTT_REQ_RTT_P99_US",
                "MQTT_REQ_RTT_MAX_US"), java.util.Arrays.asList(RequestSampler.VARIABLES.names()));
        assertEquals(java.util.Arrays.asList("10", "9", "1", "0", "", "", "", "", "1500", "", "", ""),
                java.util.Arrays.asList(RequestSampler.VARIABLES.values(o)));
        assertEquals(java.util.Arrays.asList("MQTT_RSP_ANSWERED", "MQTT_RSP_UNANSWERABLE", "MQTT_RSP_WAITING",
                "MQTT_RSP_DELAY_P50_US", "MQTT_RSP_DELAY_P99_US", "MQTT_RSP_DELAY_MAX_US"),
                java.util.Arrays.asList(ResponderSampler.VARIABLES.names()));
    }

    @Test
    void rateFinderWithoutConnectionIs500AndClearsVariables() {
        vars.put("MQTT_RATE_MAX_OK", "17");
        vars.put(RateFinderSampler.LIMIT, "broker");
        SampleResult r = new RateFinderSampler().sample(null);
        assertEquals("500", r.getResponseCode());
        assertEquals(Results.NO_CONNECTION_MESSAGE, r.getResponseMessage());
        assertEquals("", vars.get("MQTT_RATE_MAX_OK"));
        assertEquals("", vars.get(RateFinderSampler.LIMIT));
        assertEquals("", vars.get(RateFinderSampler.BROKE));
    }

    @Test
    void rateFinderBadSettingsAre502NamingTheSetting() {
        RateFinderSampler f = new RateFinderSampler();
        f.setProperty(Keys.FINDER_START_RATE, "500");
        f.setProperty(Keys.FINDER_MAX_RATE, "100");
        SampleResult r = f.sample(null);
        assertEquals("502", r.getResponseCode());
        assertEquals("Maximum rate (mqtt.finder_max_rate): must be at least the Start rate (mqtt.finder_start_rate)"
                + " (500 msg/s), got 100", r.getResponseMessage());
        f.setProperty(Keys.FINDER_MAX_RATE, "1000");
        f.setProperty(Keys.FINDER_TOPIC, "a/#");
        r = f.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("Topic (mqtt.finder_topic): "), r.getResponseMessage());
        f.setProperty(Keys.FINDER_TOPIC, "a");
        f.setProperty(Keys.FINDER_WHEN_DONE, "later");
        r = f.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("When done (mqtt.finder_when_done): "), r.getResponseMessage());
    }

    @Test
    void rateFinderVariablesAndTheFinalStepsStop() {
        long[] st = figures();
        st[Figures.index("rfStep")] = 4;
        st[Figures.index("rfOfferedMilli")] = 3_375_000;
        st[Figures.index("rfP50Us")] = 2_400;
        st[Figures.index("rfBroke")] = 1 | 4;
        st[Figures.index("rfMaxOkMilli")] = 2_250_000;
        st[Figures.index("rfLimit")] = 2;
        st[Figures.index("rfDone")] = 1;
        st[Figures.index("rfWhenDone")] = 1;
        Outcome o = new Outcome(false, "501", "x", 0, 10, 1, 0, st, null);
        assertEquals(java.util.Arrays.asList("MQTT_RATE_STEP", "MQTT_RATE_OFFERED", "MQTT_RATE_SENT_PER_S",
                "MQTT_RATE_RECEIVED_PER_S", "MQTT_RATE_SENT", "MQTT_RATE_RECEIVED", "MQTT_RATE_LOST",
                "MQTT_RATE_P50_US", "MQTT_RATE_P99_US", "MQTT_RATE_LAG_P99_US", "MQTT_RATE_BROKER_DROPPED",
                "MQTT_RATE_ENGINE_BUSY", "MQTT_RATE_MAX_OK", "MQTT_RATE_FIRST_BAD", "MQTT_RATE_DONE"),
                java.util.Arrays.asList(RateFinderSampler.VARIABLES.names()));
        String[] v = RateFinderSampler.VARIABLES.values(o);
        assertEquals("4", v[0]);
        assertEquals("3375", v[1]);
        assertEquals("2250", v[12]);
        assertEquals("1", v[14]);
        assertEquals("latency,lag", RateFinderSampler.broke(o));
        assertEquals("load_generator", RateFinderSampler.limit(o));
        SampleResult r = new SampleResult();
        r.setStampAndTime(0, 20);
        RateFinderSampler.latency(r, o);
        RateFinderSampler.whenDone(r, o);
        assertEquals(2, r.getLatency());
        assertTrue(r.isStopThread());
        assertFalse(r.isStopTest());
        st[Figures.index("rfWhenDone")] = 2;
        SampleResult t = new SampleResult();
        RateFinderSampler.whenDone(t, o);
        assertTrue(t.isStopTest());
        // a step that held, mid-search: no guard named, no limit, nothing stopped
        st[Figures.index("rfBroke")] = 0;
        st[Figures.index("rfLimit")] = 0;
        st[Figures.index("rfDone")] = 0;
        SampleResult u = new SampleResult();
        RateFinderSampler.whenDone(u, o);
        assertFalse(u.isStopThread() || u.isStopTest());
        assertEquals("", RateFinderSampler.broke(o));
        assertEquals("", RateFinderSampler.limit(o));
        st[Figures.index("rfLimit")] = 1;
        assertEquals("broker", RateFinderSampler.limit(o));
        st[Figures.index("rfLimit")] = 3;
        assertEquals("inflight_window", RateFinderSampler.limit(o));
        st[Figures.index("rfLimit")] = 5;
        assertEquals("load_generator", RateFinderSampler.limit(o));
        assertEquals("", RateFinderSampler.broke(null));
    }

    @Test
    void aRequestsLatencyIsItsMeanRoundTrip() {
        long[] st = figures();
        st[Figures.index("reqRttMeanUs")] = 2_600;
        SampleResult r = new SampleResult();
        r.setStampAndTime(0, 20);
        RequestSampler.latency(r, new Outcome(true, "200", "x", 0, 1, 0, 0, st, null));
        assertEquals(3, r.getLatency());
        st[Figures.index("reqRttMeanUs")] = 90_000; // never above the elapsed time
        RequestSampler.latency(r, new Outcome(true, "200", "x", 0, 1, 0, 0, st, null));
        assertEquals(20, r.getLatency());
    }

    @Test
    void arrivalRateIsRoundedDownSoAnyLossReadsBelowOne() {
        assertEquals("0.999999", SubscribeSampler.arrivalRate(subscribe(9_999_999, 1)));
        assertEquals("0.750000", SubscribeSampler.arrivalRate(subscribe(3, 1)));
        assertEquals("1.000000", SubscribeSampler.arrivalRate(subscribe(500, 0)));
        assertEquals("", SubscribeSampler.arrivalRate(subscribe(500, -1)), "no sequence numbers");
        assertEquals("", SubscribeSampler.arrivalRate(subscribe(0, 0)), "an empty batch");
        assertEquals("", SubscribeSampler.arrivalRate(null));
    }

    private static Outcome subscribe(long received, long lost) {
        long[] st = figures();
        st[Figures.index("messages")] = received;
        st[Figures.index("lost")] = lost;
        return new Outcome(true, "200", "x", 0, received, 0, 0, st, null);
    }

    /** An outcome's figures, none available. */
    private static long[] figures() {
        long[] st = new long[Figures.count()];
        java.util.Arrays.fill(st, -1);
        return st;
    }

    @Test
    void disconnectWithoutConnectionIs500() {
        SampleResult r = new DisconnectSampler().sample(null);
        assertEquals("500", r.getResponseCode());
    }

    @Test
    void disconnectFreesAndForgetsTheGroup() {
        FakeGroup g = new FakeGroup("", 1, "k");
        Connections.obtain(false, "", "k", () -> g);
        SampleResult r = new DisconnectSampler().sample(null);
        assertTrue(r.isSuccessful());
        assertEquals("200", r.getResponseCode());
        assertEquals(3, r.getTime());
        assertEquals(1, g.frees.get());
        assertNull(Connections.find(""));
    }

    @Test
    void disconnectKeepsAPersistentSessionsGroupForTheNextConnect() {
        FakeGroup g = new FakeGroup("", 1, true, "k");
        Connections.obtain(false, "", "k", () -> g);
        assertTrue(new DisconnectSampler().sample(null).isSuccessful());
        assertEquals(0, g.frees.get());
        assertSame(g, Connections.find(""));
        assertSame(g, Connections.obtain(false, "", "k", () -> new FakeGroup("", 1, "k")));
    }

    @Test
    void disconnectHandsTheEngineItsSettings() {
        FakeGroup g = new FakeGroup("pool", 1, "k");
        Connections.obtain(false, "pool", "k", () -> g);
        DisconnectSampler s = new DisconnectSampler();
        s.setProperty(Keys.CONNECTION_NAME, "pool");
        s.setProperty(Keys.DISCONNECT_REASON_CODE, "4");
        assertTrue(s.sample(null).isSuccessful());
        assertEquals(java.util.Arrays.asList("{\"connectionName\":\"pool\",\"reasonCode\":\"4\"}"),
                g.disconnects);
        assertEquals(1, g.frees.get());
        assertNull(Connections.find("pool"));
    }

    @Test
    void disconnectSettingsTheEngineRefusesKeepTheGroup() {
        FakeGroup g = new FakeGroup("", 1, "k");
        g.disconnectRefusal = new SettingsException("502", "Reason code (mqtt.disconnect_reason_code): no");
        Connections.obtain(false, "", "k", () -> g);
        SampleResult r = new DisconnectSampler().sample(null);
        assertFalse(r.isSuccessful());
        assertEquals("502", r.getResponseCode());
        assertEquals("Reason code (mqtt.disconnect_reason_code): no", r.getResponseMessage());
        assertEquals(0, g.frees.get());
        assertSame(g, Connections.find(""));
    }

    @Test
    void publishBadUserPropertiesIs502NamingKeyAndLine() {
        PublishSampler s = new PublishSampler();
        s.setProperty(Keys.USER_PROPERTIES, "a=1\nbroken");
        SampleResult r = s.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.user_properties"), r.getResponseMessage());
        assertTrue(r.getResponseMessage().contains("line 2"), r.getResponseMessage());
    }

    @Test
    void connectBadSettingsIs501WithoutPassword() {
        ConnectSampler s = new ConnectSampler();
        s.setProperty(Keys.PASSWORD, "TopSecret99");
        s.setProperty(Keys.PORT, "abc");
        SampleResult r = s.sample(null);
        assertEquals("501", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.port") && r.getResponseMessage().contains("abc"));
        assertFalse(r.getResponseMessage().contains("TopSecret99"));
        assertFalse(r.getResponseDataAsString().contains("TopSecret99"));
    }

    @Test
    void connectBadProtocolIs501() {
        ConnectSampler s = new ConnectSampler();
        s.setProperty(Keys.PROTOCOL, "HTTP");
        SampleResult r = s.sample(null);
        assertEquals("501", r.getResponseCode());
        assertEquals("Protocol (mqtt.protocol): must be one of TCP, SSL, WS, WSS (got 'HTTP')",
                r.getResponseMessage());
    }

    @Test
    void connectBadTlsMinVersionIs501WithoutSecrets() {
        ConnectSampler s = new ConnectSampler();
        s.setProperty(Keys.PROTOCOL, "SSL");
        s.setProperty(Keys.CLIENT_CERT_PASSWORD, "P12-Secret-77");
        s.setProperty(Keys.TLS_MIN_VERSION, "1.0");
        SampleResult r = s.sample(null);
        assertEquals("501", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.tls_min_version"), r.getResponseMessage());
        assertFalse(r.getResponseDataAsString().contains("P12-Secret-77"));
    }

    private static final String USER_PW = "UserPw-Secret-123";
    private static final String P12_PW = "P12pw-Secret-456";

    /** A TLS Connect sampler with both secrets, and a registered fake group it will connect. */
    private static FakeGroup fakeTlsConnect(ConnectSampler s) {
        s.setProperty(Keys.PROTOCOL, "WSS");
        s.setProperty(Keys.USER_NAME, "bob");
        s.setProperty(Keys.PASSWORD, USER_PW);
        s.setProperty(Keys.DUAL_SSL_AUTHENTICATION, true);
        s.setProperty(Keys.CLIENT_CERT_FILE_PATH, "client.p12");
        s.setProperty(Keys.CLIENT_CERT_PASSWORD, P12_PW);
        String json = document(s);
        assertTrue(json.contains(USER_PW) && json.contains(P12_PW));
        FakeGroup g = new FakeGroup("", 1, json);
        Connections.obtain(false, "", json, () -> g);
        return g;
    }

    /** The settings document a Connect sampler hands the engine. */
    private static String document(ConnectSampler s) {
        return SettingsDocument.of(Description.get().element("connect"), PropertySource.of(s), null);
    }

    private static void assertNoSecret(SampleResult r) {
        for (String text : new String[] {r.getResponseMessage(), r.getResponseDataAsString(), r.getSamplerData(),
                r.toString()}) {
            if (text != null) {
                assertFalse(text.contains(USER_PW) || text.contains(P12_PW), text);
            }
        }
    }

    @Test
    void connectFailureMessageAndDataScrubbed() {
        ConnectSampler s = new ConnectSampler();
        FakeGroup g = fakeTlsConnect(s);
        g.connectOutcome = new Outcome(false, "501", "wrong password for PKCS#12 file 'x' (" + P12_PW + "/" + USER_PW
                + ")", 2_000_000L, 1, 1, 0, null, null);
        SampleResult r = s.sample(null);
        assertFalse(r.isSuccessful());
        assertEquals("501", r.getResponseCode());
        assertEquals("wrong password for PKCS#12 file 'x' (***/***)", r.getResponseMessage());
        assertEquals("wrong password for PKCS#12 file 'x' (***/***)", r.getResponseDataAsString());
        assertNoSecret(r);
    }

    @Test
    void connectResponseDataScrubbed() {
        ConnectSampler s = new ConnectSampler();
        FakeGroup g = fakeTlsConnect(s);
        g.connectOutcome = new Outcome(true, "200", "Connected 1 connection(s).", 2_000_000L, 1, 0, 0, null,
                ("id " + P12_PW).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        SampleResult r = s.sample(null);
        assertTrue(r.isSuccessful());
        assertEquals("Connected 1 connection(s).", r.getResponseMessage());
        assertEquals("id ***", r.getResponseDataAsString());
        assertNoSecret(r);
    }

    @Test
    void connectNativeExceptionScrubbed() {
        ConnectSampler s = new ConnectSampler();
        FakeGroup g = fakeTlsConnect(s);
        g.connectFailure = new io.mqttload.jni.NativeException("panic near " + USER_PW + " and " + P12_PW);
        SampleResult r = s.sample(null);
        assertFalse(r.isSuccessful());
        assertEquals("502", r.getResponseCode());
        assertEquals("panic near *** and ***", r.getResponseMessage());
        assertNoSecret(r);
    }

    @Test
    void connectReusesAConnectedGroup() {
        ConnectSampler s = new ConnectSampler();
        s.setProperty(Keys.CONNECTION_NAME, "pool");
        s.setProperty(Keys.CONN_CAPACITY, "5");
        String json = document(s);
        FakeGroup g = new FakeGroup("pool", 5, json);
        g.connected = true;
        Connections.obtain(false, "pool", json, () -> g);
        SampleResult r = s.sample(null);
        assertTrue(r.isSuccessful(), r.getResponseMessage());
        assertEquals("200", r.getResponseCode());
        assertEquals("Reused 5 connection(s) of pool", r.getResponseMessage());
        // thread end frees the thread's groups
        s.threadFinished();
        assertEquals(1, g.frees.get());
    }

    @Test
    void interruptCancelsTheGroupInUseAndReturnsTrue() {
        assertTrue(new PublishSampler().interrupt()); // nothing in use: still true
    }

    @Test
    void missingNativeLibraryGivesAFailedSampleNotAnException() {
        String platform = NativeLoader.platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        Assumptions.assumeTrue(NativeLoader.class.getResource(NativeLoader.resourcePath(platform)) == null);
        for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
            Assumptions.assumeFalse(new File(dir, System.mapLibraryName("mqttload")).exists());
        }
        FakeGroup g = new FakeGroup("", 1, "k");
        Connections.obtain(false, "", "k", () -> g);
        for (int i = 0; i < 2; i++) { // second time: the class is already known to be broken
            SampleResult r = new PublishSampler().sample(null);
            assertFalse(r.isSuccessful());
            assertEquals("502", r.getResponseCode());
            assertTrue(r.getResponseMessage().contains(platform), r.getResponseMessage());
            assertTrue(r.getResponseMessage().contains("make build"), r.getResponseMessage());
        }
    }
}

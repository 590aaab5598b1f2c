package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mqttload.jni.NativeLoader;
import io.mqttload.jni.Outcome;

/** Sampler paths that need no native library. */
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
        s.setQos("3");
        SampleResult r = s.sample(null);
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.qos_level"), r.getResponseMessage());
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
        s.setQos("3");
        assertEquals("511", s.sample(null).getResponseCode());
        s.setQos("0");
        s.setSampleConditionValue("abc");
        SampleResult r = s.sample(null);
        assertEquals("510", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.sample_condition_value")
                && r.getResponseMessage().contains("abc"), r.getResponseMessage());
        s.setSampleConditionValue("10");
        s.setTopics("");
        assertEquals("512", s.sample(null).getResponseCode());
    }

    @Test
    void subscribeVariablesAndMessage() {
        long[] st = {13207, 1500, 1200, 2500, 4000, 9000, 2, 0, -1, 300};
        Outcome o = new Outcome(true, "200", "x", 0, 13207, 0, 0, st, null);
        String[] v = SubscribeSampler.variableValues(o);
        assertEquals("13207", v[0]);
        assertEquals("1500", v[1]);
        assertEquals("9000", v[5]);
        assertEquals("2", v[6]);
        assertEquals("0", v[7]);
        assertEquals("", v[8]);
        assertEquals(9, SubscribeSampler.VARIABLES.length);
        assertEquals("Received 13207 of message.", SubscribeSampler.receivedMessage(13207));
        for (String e : SubscribeSampler.variableValues(null)) {
            assertEquals("", e);
        }
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
    void connectBadSettingsIs501WithoutPassword() {
        ConnectSampler s = new ConnectSampler();
        s.setPassword("TopSecret99");
        s.setPort("abc");
        SampleResult r = s.sample(null);
        assertEquals("501", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("mqtt.port") && r.getResponseMessage().contains("abc"));
        assertFalse(r.getResponseMessage().contains("TopSecret99"));
        assertFalse(r.getResponseDataAsString().contains("TopSecret99"));
    }

    @Test
    void connectOtherTransportNotSupported() {
        ConnectSampler s = new ConnectSampler();
        s.setProtocol("WSS");
        SampleResult r = s.sample(null);
        assertEquals("501", r.getResponseCode());
        assertTrue(r.getResponseMessage().contains("not supported yet"), r.getResponseMessage());
    }

    @Test
    void connectReusesAConnectedGroup() {
        ConnectSampler s = new ConnectSampler();
        s.setConnectionName("pool");
        s.setConnCapacity("5");
        String json = ConnectSettings.read(PropertySource.of(s)).toJson();
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

package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BooleanSupplier;

import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterThread;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jorphan.collections.HashTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mqttload.contract.Description;
import io.mqttload.jmeter.settings.PropertySource;
import io.mqttload.jmeter.settings.SettingsDocument;
import io.mqttload.jni.Outcome;

/** The probe reads the real JMeterThread of this JMeter version: a field rename would fail here, not in a run. */
class ShutdownProbeTest {
    private JMeterThread thread;

    @BeforeEach
    void setUp() {
        thread = new JMeterThread(new HashTree(new LoopController()), null, null);
        JMeterContextService.getContext().setVariables(new JMeterVariables());
    }

    @AfterEach
    void tearDown() {
        JMeterContextService.getContext().setThread(null);
        Connections.closeAll();
    }

    @Test
    void answersTrueOnceJMeterAsksTheThreadToStop() {
        BooleanSupplier probe = ShutdownProbe.of(thread);
        assertNotNull(probe, "JMeterThread.running could not be read");
        assertFalse(probe.getAsBoolean());
        thread.stop(); // what Shutdown does to every thread (ThreadGroup.stop)
        assertTrue(probe.getAsBoolean());
    }

    @Test
    void noProbeOutsideAJMeterThread() {
        assertNull(ShutdownProbe.of(null));
        JMeterContextService.getContext().setThread(null);
        assertNull(ShutdownProbe.forCurrentThread());
    }

    @Test
    void connectHandsTheEngineAProbeOfItsOwnThread() {
        JMeterContextService.getContext().setThread(thread);
        ConnectSampler s = new ConnectSampler();
        String json = SettingsDocument.of(Description.get().element("connect"), PropertySource.of(s), null);
        FakeGroup g = new FakeGroup("", 1, json);
        Connections.obtain(false, "", json, () -> g);
        g.connectOutcome = new Outcome(false, "502", "Connect failed: connection refused (JMeter shutdown ended the"
                + " retries after 3 failed attempt(s))", 1_000_000L, 1, 1, 0, null, null);
        SampleResult r = s.sample(null);
        assertFalse(r.isSuccessful());
        assertTrue(r.getResponseMessage().contains("JMeter shutdown ended the retries"), r.getResponseMessage());
        BooleanSupplier probe = g.connectProbe;
        assertNotNull(probe);
        assertFalse(probe.getAsBoolean());
        thread.stop();
        assertTrue(probe.getAsBoolean());
    }

    @Test
    void connectQueuedBehindAnotherThreadsConnectDoesNotStartAfterShutdown() {
        JMeterContextService.getContext().setThread(thread);
        thread.stop();
        ConnectSampler s = new ConnectSampler();
        String json = SettingsDocument.of(Description.get().element("connect"), PropertySource.of(s), null);
        FakeGroup g = new FakeGroup("", 1, json); // connectOutcome null: a native connect would fail the test
        Connections.obtain(false, "", json, () -> g);
        SampleResult r = s.sample(null);
        assertFalse(r.isSuccessful());
        assertEquals("502", r.getResponseCode());
        assertTrue(r.getResponseMessage().startsWith("Connect not started: JMeter shutdown"), r.getResponseMessage());
    }
}

package io.mqttload.jmeter;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;

import io.mqttload.jmeter.settings.Secrets;
import io.mqttload.jni.ClockSync;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/** MQTT Connect: opens (or reuses) a connection group of 1..N connections. */
public class ConnectSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    @Override
    protected String element() {
        return "connect";
    }

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        String json = settingsDocument();
        Secrets secrets = secrets();
        String name = connectionName();
        // A bad scope is the engine's to refuse (it checks every setting when it makes the group).
        boolean testScope = Keys.SCOPE_TEST.equalsIgnoreCase(getPropertyAsString(Keys.CONNECTION_SCOPE, "").trim());
        ConnectionGroup group;
        try {
            group = Connections.obtain(testScope, name, json, () -> ConnectionGroup.create(json, name, getName()));
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), secrets.scrub(e.getMessage()));
            return;
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.FAILED, secrets.scrub(e.getMessage()));
            return;
        }
        using(group);
        synchronized (group) { // test-wide groups: one thread connects, the others then reuse
            if (group.isConnected()) {
                Results.ok(result, startMillis, startNanos, "Reused " + group.connections() + " connection(s) of "
                        + (name.isEmpty() ? "the thread's connection" : name));
                return;
            }
            BooleanSupplier shutdown = shutdownProbe();
            if (shutdown != null && shutdown.getAsBoolean()) {
                // Came while another thread held a test-wide group connecting: do not start a connect of our own,
                // or threads queued on the group would each wait out a poll interval in turn.
                Results.fail(result, startMillis, startNanos, Results.EXCEPTION,
                        "Connect not started: JMeter shutdown came before it could start");
                return;
            }
            Outcome o;
            try {
                o = group.connect(shutdown);
            } catch (RuntimeException e) { // e.g. a NativeException: its text may quote a secret
                Results.fail(result, startMillis, startNanos, Results.EXCEPTION, secrets.scrub(Results.messageOf(e)));
                return;
            }
            Results.fill(result, startMillis, scrubbed(secrets, o));
            result.setConnectTime(result.getTime());
        }
    }

    /** The outcome with every secret replaced by *** in its message and response data. */
    static Outcome scrubbed(Secrets secrets, Outcome o) {
        String message = secrets.scrub(o.responseMessage);
        byte[] data = o.responseData;
        if (data != null) {
            String text = new String(data, StandardCharsets.UTF_8);
            if (secrets.holdsSecret(text)) {
                data = secrets.scrub(text).getBytes(StandardCharsets.UTF_8);
            }
        }
        if (java.util.Objects.equals(message, o.responseMessage) && data == o.responseData) {
            return o;
        }
        return new Outcome(o.success, o.responseCode, message, o.elapsedNanos, o.sampleCount, o.errorCount, o.bytes,
                o.stats, data, o.shortfall);
    }

    // ThreadListener
    @Override
    public void threadStarted() {
        // connections open lazily, in sample()
    }

    @Override
    public void threadFinished() {
        Connections.closeThread();
    }

    // TestStateListener
    @Override
    public void testStarted() {
        super.testStarted();
        Connections.closeAll(); // leftovers of a previous run in the same JVM
        if (NativeCheck.knownFailure() == null) {
            ConnectionGroup.newTestRun();
            if (ClockProperties.firstOfTest(JMeterContextService.getTestStartTime())) {
                ClockSync.newTestRun(ClockProperties.testSkewMs());
            }
        }
    }

    @Override
    public void testEnded() {
        Connections.closeAll();
        if (NativeCheck.knownFailure() == null) {
            try {
                ClockSync.endTestRun();
            } catch (RuntimeException | LinkageError e) {
                Log.warn("mqttload: could not end the clock probes: " + e);
            }
        }
        super.testEnded();
    }
}

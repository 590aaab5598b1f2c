package io.mqttload.jmeter;

import java.io.File;
import java.util.function.BooleanSupplier;

import org.apache.jmeter.samplers.AbstractSampler;
import org.apache.jmeter.samplers.Entry;
import org.apache.jmeter.samplers.Interruptible;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.services.FileServer;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.threads.JMeterContextService;

import io.mqttload.contract.Description;
import io.mqttload.contract.ElementSpec;
import io.mqttload.jmeter.settings.PropertySource;
import io.mqttload.jmeter.settings.Secrets;
import io.mqttload.jmeter.settings.SettingsDocument;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.EngineLog;

/**
 * Common frame of the MQTT samplers: result creation, timing start, catching everything, Stop and Shutdown
 * support, and the check at test start that the native engine loads (else one clear error, and the first sample
 * fails with it and stops the test).
 * JMeter clones samplers per thread, so instance fields are per thread.
 */
public abstract class MqttSampler extends AbstractSampler implements Interruptible, TestStateListener {
    private static final long serialVersionUID = 1L;

    /** Why the native library could not be loaded, remembered for later samples. */
    private static volatile String nativeFailure;

    /** The group the current sample works on (read by {@link #interrupt()} from another thread). */
    private transient volatile ConnectionGroup inUse;

    /** This element's settings document between samples (JMeter clones samplers per thread: one per thread). */
    private transient SettingsCache settings;

    /** This element in the settings description ("connect", "publish", ...). */
    protected abstract String element();

    /** This element's settings as the description has them. */
    protected ElementSpec spec() {
        return Description.get().element(element());
    }

    /** Properties of this element as the settings readers see them. */
    protected PropertySource properties() {
        return PropertySource.of(this);
    }

    /** The settings document for the engine, which checks it (relative paths: the test plan's folder). */
    protected String settingsDocument() {
        ElementSpec spec = spec();
        return cache().get(this, spec.settings(), () -> SettingsDocument.of(spec, properties(), planDir()));
    }

    private SettingsCache cache() {
        if (settings == null) {
            settings = new SettingsCache();
        }
        return settings;
    }

    @Override
    public void setProperty(JMeterProperty property) {
        cache().changed();
        super.setProperty(property);
    }

    @Override
    public void removeProperty(String key) {
        cache().changed();
        super.removeProperty(key);
    }

    @Override
    public void clear() {
        cache().changed();
        super.clear();
    }

    @Override
    public void setRunningVersion(boolean runningVersion) {
        cache().baseline();
        super.setRunningVersion(runningVersion);
    }

    @Override
    public void recoverRunningVersion() {
        cache().recovered();
        super.recoverRunningVersion();
    }

    /** What no message shown to the user may quote. */
    protected Secrets secrets() {
        return Secrets.of(spec(), properties());
    }

    /** The connection group this element acts on ("" = the thread's default group). */
    protected String connectionName() {
        return getPropertyAsString(Keys.CONNECTION_NAME, "").trim();
    }

    /** The test plan's folder (JMeter's FileServer base), else the working directory. */
    public static File planDir() {
        try {
            String base = FileServer.getFileServer().getBaseDir();
            if (base != null && !base.trim().isEmpty()) {
                return new File(base).getAbsoluteFile();
            }
        } catch (RuntimeException | LinkageError e) {
            // no FileServer (outside JMeter): the working directory
        }
        return new File(System.getProperty("user.dir", ".")).getAbsoluteFile();
    }

    @Override
    public final SampleResult sample(Entry entry) {
        SampleResult result = new SampleResult();
        result.setSampleLabel(getName());
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        String unusable = NativeCheck.knownFailure();
        if (unusable != null) {
            Results.fail(result, startMillis, startNanos, Results.EXCEPTION, unusable);
            result.setStopTest(true);
            return result;
        }
        try {
            // testStarted starts the engine in a JMeter run; a sample run without it (a test's, say) must too.
            EngineStart.start();
            doSample(result, startMillis, startNanos);
        } catch (Exception | LinkageError e) {
            String message = Results.messageOf(e);
            if (e instanceof LinkageError) {
                if (e instanceof NoClassDefFoundError && nativeFailure != null) {
                    message = nativeFailure;
                } else {
                    nativeFailure = message;
                }
            }
            if (result.getStartTime() == 0) {
                Results.fail(result, startMillis, startNanos, Results.EXCEPTION, message);
            } else {
                result.setSuccessful(false);
                result.setResponseCode(Results.EXCEPTION);
                result.setResponseMessage(message);
            }
        } finally {
            inUse = null;
        }
        return result;
    }

    @Override
    public void testStarted() {
        NativeCheck.atTestStart();
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    /** The engine's last events (and suppression summaries) reach jmeter.log before JMeter exits. */
    @Override
    public void testEnded() {
        EngineLog.flush();
        MetricsEndpoint.lingerAtTestEnd(JMeterContextService.getTestStartTime());
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    /** The sample's work; must fill {@code result} (via {@link Results}). */
    protected abstract void doSample(SampleResult result, long startMillis, long startNanos);

    /**
     * What a long native wait asks to learn of JMeter's Shutdown for this thread (null when not in a JMeter
     * thread). Stop interrupts us ({@link #interrupt()}); Shutdown does not, it only flags the thread.
     */
    protected BooleanSupplier shutdownProbe() {
        return ShutdownProbe.forCurrentThread();
    }

    /** Marks the group as in use, so Stop can cancel the operation blocked on it. */
    protected void using(ConnectionGroup group) {
        inUse = group;
    }

    @Override
    public boolean interrupt() {
        ConnectionGroup g = inUse;
        if (g != null) {
            try {
                g.cancel();
            } catch (RuntimeException | LinkageError e) {
                Log.warn("mqttload: cancel failed: " + e);
            }
        }
        return true;
    }
}

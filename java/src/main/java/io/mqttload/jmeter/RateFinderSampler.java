package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.contract.Figures;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.RateFinder;
import io.mqttload.jni.SettingsException;

/**
 * MQTT Rate Finder: each sample is one step of a search for the highest message rate the broker sustains within
 * the element's guards, on the thread's (or a named) connection group. The search's final sample carries the
 * whole table and says whose limit was found; the element then stops the thread or the test, or starts again.
 */
public class RateFinderSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    static final String ELEMENT = "ratefinder";
    static final ResultVariables VARIABLES = new ResultVariables(ELEMENT);
    /** Worked out here from the figures: the broken guards' names and whose limit was found. */
    static final String BROKE = "MQTT_RATE_BROKE";
    static final String LIMIT = "MQTT_RATE_LIMIT";
    private static final int P50_US = Figures.index("rfP50Us");
    private static final int BROKE_BITS = Figures.index("rfBroke");
    private static final int LIMIT_CODE = Figures.index("rfLimit");
    private static final int DONE = Figures.index("rfDone");
    private static final int WHEN_DONE = Figures.index("rfWhenDone");
    private static final String[] GUARDS = {"latency", "loss", "lag", "drops"};
    private static final String[] LIMITS = {"", "broker", "load_generator", "inflight_window", "max_rate",
        "load_generator"};

    /** Made again when the settings change or the group is another one (a new search). */
    private final transient ThreadOwned<RateFinder> finder = new ThreadOwned<>("a rate finder");

    @Override
    protected String element() {
        return ELEMENT;
    }

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        Outcome o = null;
        try {
            o = run(result, startMillis, startNanos);
        } finally {
            putVariables(o);
        }
    }

    private Outcome run(SampleResult result, long startMillis, long startNanos) {
        String json = settingsDocument();
        RateFinder f;
        try {
            f = finder.from(json, doc -> RateFinder.create(doc, getName()));
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), e.getMessage());
            return null;
        }
        ConnectionGroup group = Connections.find(connectionName());
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return null;
        }
        if (!f.usableWith(group)) {
            finder.close();
            f = finder.from(json, doc -> RateFinder.create(doc, getName()));
        }
        using(group);
        Outcome o = f.step(group, shutdownProbe());
        Results.fill(result, startMillis, o);
        latency(result, o);
        whenDone(result, o);
        return o;
    }

    /** JMeter's latency: the step's median end-to-end latency. */
    static void latency(SampleResult result, Outcome o) {
        long p50 = o.stat(P50_US);
        if (p50 >= 0) {
            result.setLatency(Math.min(result.getTime(), Math.round(p50 / 1000.0)));
        }
    }

    /** After the search's final step: stop the thread or the test, as the element's When done says. */
    static void whenDone(SampleResult result, Outcome o) {
        if (o.stat(DONE) != 1) {
            return;
        }
        long action = o.stat(WHEN_DONE);
        if (action == 1) {
            result.setStopThread(true);
        } else if (action == 2) {
            result.setStopTest(true);
        }
    }

    /** The broken guards' names, comma-separated ("" = held); "" without an outcome. */
    static String broke(Outcome o) {
        long bits = o == null ? -1 : o.stat(BROKE_BITS);
        if (bits < 0) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < GUARDS.length; i++) {
            if ((bits & (1L << i)) != 0) {
                b.append(b.length() == 0 ? "" : ",").append(GUARDS[i]);
            }
        }
        return b.toString();
    }

    /** Whose limit the search found ("broker", "load_generator", "inflight_window", "max_rate"); "" before. */
    static String limit(Outcome o) {
        long code = o == null ? -1 : o.stat(LIMIT_CODE);
        return code > 0 && code < LIMITS.length ? LIMITS[(int) code] : "";
    }

    private static void putVariables(Outcome o) {
        VARIABLES.put(o);
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        if (vars != null) {
            vars.put(BROKE, broke(o));
            vars.put(LIMIT, limit(o));
        }
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        finder.closeQuietly();
    }
}

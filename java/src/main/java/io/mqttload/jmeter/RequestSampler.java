package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;

import io.mqttload.contract.Figures;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.Requester;
import io.mqttload.jni.SettingsException;

/**
 * MQTT Request: commands timed as a round trip. Each sample publishes requests on the thread's (or a named)
 * connection group and waits for their replies, matched by correlation id.
 */
public class RequestSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    static final String ELEMENT = "request";
    static final ResultVariables VARIABLES = new ResultVariables(ELEMENT);
    private static final int RTT_MEAN_US = Figures.index("reqRttMeanUs");

    /** Made again when the settings change or the group is another one. */
    private final transient ThreadOwned<Requester> requester = new ThreadOwned<>("a requester");

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
            VARIABLES.put(o);
        }
    }

    private Outcome run(SampleResult result, long startMillis, long startNanos) {
        String json = settingsDocument();
        Requester r;
        try {
            r = requester.from(json, doc -> Requester.create(doc, getName()));
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), e.getMessage());
            return null;
        }
        ConnectionGroup group = Connections.find(connectionName());
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return null;
        }
        if (!r.usableWith(group)) {
            requester.close();
            r = requester.from(json, doc -> Requester.create(doc, getName()));
        }
        using(group);
        Outcome o = r.request(group, shutdownProbe());
        Results.fill(result, startMillis, o);
        latency(result, o);
        return o;
    }

    /** JMeter's latency: the mean round trip, which is what a request's response time is about. */
    static void latency(SampleResult result, Outcome o) {
        long mean = o.stat(RTT_MEAN_US);
        if (mean >= 0) {
            result.setLatency(Math.min(result.getTime(), Math.round(mean / 1000.0)));
        }
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        requester.closeQuietly();
    }
}

package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.Publisher;
import io.mqttload.jni.SettingsException;

/** MQTT Publish: publishes on the thread's (or a named) connection group. */
public class PublishSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    static final String ELEMENT = "publish";
    static final ResultVariables VARIABLES = new ResultVariables(ELEMENT);

    private final transient ThreadOwned<Publisher> publisher = new ThreadOwned<>("a publisher");

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
        Publisher p;
        try {
            p = publisher.from(settingsDocument(), doc -> Publisher.create(doc, getName()));
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), e.getMessage());
            return null;
        }
        ConnectionGroup group = Connections.find(connectionName());
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return null;
        }
        using(group);
        Outcome o = p.publish(group, shutdownProbe());
        Results.fill(result, startMillis, o);
        result.setSentBytes(Math.max(0L, o.bytes));
        return o;
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        publisher.closeQuietly();
    }
}

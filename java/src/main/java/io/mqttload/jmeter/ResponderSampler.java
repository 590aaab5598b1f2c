package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.Responder;
import io.mqttload.jni.SettingsException;

/**
 * MQTT Responder: the device side of request/response. Its first sample subscribes the group's connections to
 * their request filters; the engine answers every request from then on, and each sample reports what was
 * answered since the previous one. It answers until its thread ends (or its settings change).
 */
public class ResponderSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    static final String ELEMENT = "responder";
    static final ResultVariables VARIABLES = new ResultVariables(ELEMENT);

    /** Made again when the settings change or the group is another one. */
    private final transient ThreadOwned<Responder> responder = new ThreadOwned<>("a responder");

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
        Responder r;
        try {
            r = responder.from(json, doc -> Responder.create(doc, getName()));
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
            responder.close();
            r = responder.from(json, doc -> Responder.create(doc, getName()));
        }
        using(group);
        Outcome o = r.respond(group, shutdownProbe());
        Results.fillResponder(result, startMillis, o);
        return o;
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        responder.closeQuietly();
    }
}

package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/**
 * An element that does one thing to every connection of a group and reports it: finds the group, hands the
 * engine the settings with the act, and reports the outcome or why there was none.
 */
public abstract class GroupSampler extends MqttSampler {
    private static final long serialVersionUID = 1L;

    /** The act on {@code group}, with this element's settings document (the engine checks it). */
    protected abstract Outcome act(ConnectionGroup group, String settings) throws SettingsException;

    @Override
    protected final void doSample(SampleResult result, long startMillis, long startNanos) {
        String json = settingsDocument();
        ConnectionGroup group = Connections.find(connectionName());
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return;
        }
        using(group);
        Outcome o;
        try {
            o = act(group, json);
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), e.getMessage());
            return;
        }
        Results.fill(result, startMillis, o);
    }
}

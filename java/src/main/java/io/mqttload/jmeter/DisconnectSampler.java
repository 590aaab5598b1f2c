package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;

/** MQTT Disconnect: sends DISCONNECT on every connection of the group, then frees it. */
public class DisconnectSampler extends MqttSampler {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        String name = getConnectionName().trim();
        ConnectionGroup group = Connections.find(name);
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return;
        }
        using(group);
        try {
            Outcome o = group.disconnect();
            Results.fill(result, startMillis, o);
        } finally {
            Connections.remove(group);
        }
    }
}

package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;

/**
 * MQTT Unsubscribe: UNSUBSCRIBE on every connection of the group, waiting for each UNSUBACK. From then on the
 * group's Subscribe elements neither receive nor expect messages on those filters (what they already hold stays
 * counted).
 */
public class UnsubscribeSampler extends MqttSampler {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        UnsubscribeSettings settings;
        try {
            settings = UnsubscribeSettings.read(properties());
        } catch (BadSettingException e) {
            Results.fail(result, startMillis, startNanos, Results.EXCEPTION, e.getMessage());
            return;
        }
        ConnectionGroup group = Connections.find(settings.connectionName);
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return;
        }
        using(group);
        Outcome o = group.unsubscribe(settings.toJson(), shutdownProbe());
        Results.fill(result, startMillis, o);
    }

    // Properties
    public String getTopics() {
        return getPropertyAsString(Keys.TOPIC_NAME, Keys.DEFAULT_TOPIC);
    }

    public void setTopics(String v) {
        setProperty(Keys.TOPIC_NAME, v);
    }

    public String getTimeout() {
        return getPropertyAsString(Keys.UNSUBSCRIBE_TIMEOUT, String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));
    }

    public void setTimeout(String v) {
        setProperty(Keys.UNSUBSCRIBE_TIMEOUT, v);
    }
}

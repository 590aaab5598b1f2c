package io.mqttload.jmeter;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/**
 * MQTT Unsubscribe: UNSUBSCRIBE on every connection of the group, waiting for each UNSUBACK. From then on the
 * group's Subscribe elements neither receive nor expect messages on those filters (what they already hold stays
 * counted).
 */
public class UnsubscribeSampler extends GroupSampler {
    private static final long serialVersionUID = 1L;

    @Override
    protected String element() {
        return "unsubscribe";
    }

    @Override
    protected Outcome act(ConnectionGroup group, String settings) throws SettingsException {
        return group.unsubscribe(settings, shutdownProbe());
    }
}

package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;

/**
 * MQTT Disconnect: sends DISCONNECT on every connection of the group, then frees it, or keeps it for the next
 * Connect when its sessions persist. A reason code other than 0 or a session expiry (MQTT 5.0) goes through
 * groupDisconnectWith.
 */
public class DisconnectSampler extends MqttSampler {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        DisconnectSettings settings;
        try {
            settings = DisconnectSettings.read(properties());
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.EXCEPTION, e.getMessage());
            return;
        }
        ConnectionGroup group = Connections.find(settings.connectionName);
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return;
        }
        using(group);
        try {
            Outcome o = settings.needsV5() ? group.disconnect(settings.toJson()) : group.disconnect();
            Results.fill(result, startMillis, o);
        } finally {
            // A persistent session is resumed by the thread's next Connect (same ids, same subscriptions).
            if (!group.isResumable()) {
                Connections.remove(group);
            }
        }
    }

    // Properties
    public String getReasonCode() {
        return getPropertyAsString(Keys.DISCONNECT_REASON_CODE, "0");
    }

    public void setReasonCode(String v) {
        setProperty(Keys.DISCONNECT_REASON_CODE, v);
    }

    /** "" = not sent. */
    public String getSessionExpiry() {
        return getPropertyAsString(Keys.DISCONNECT_SESSION_EXPIRY, "");
    }

    public void setSessionExpiry(String v) {
        setProperty(Keys.DISCONNECT_SESSION_EXPIRY, v);
    }
}

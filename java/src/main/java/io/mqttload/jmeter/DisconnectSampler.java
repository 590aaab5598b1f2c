package io.mqttload.jmeter;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/**
 * MQTT Disconnect: sends DISCONNECT (with an MQTT 5.0 reason code and session expiry when they are set) on
 * every connection of the group, then frees it, or keeps it for the next Connect when its sessions persist.
 */
public class DisconnectSampler extends GroupSampler {
    private static final long serialVersionUID = 1L;

    @Override
    protected String element() {
        return "disconnect";
    }

    @Override
    protected Outcome act(ConnectionGroup group, String settings) throws SettingsException {
        Outcome o;
        try {
            o = group.disconnect(settings);
        } catch (SettingsException e) {
            throw e; // refused before anything was sent: the group stays as it was
        } catch (RuntimeException e) {
            release(group);
            throw e;
        }
        release(group);
        return o;
    }

    /** A persistent session is resumed by the thread's next Connect (same ids, same subscriptions). */
    private static void release(ConnectionGroup group) {
        if (!group.isResumable()) {
            Connections.remove(group);
        }
    }
}

package io.mqttload.jni;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The native side of a Broker Statistics element, from its settings document; its connection is a group of its
 * own.
 */
public class BrokerStats extends NativeObject {
    protected BrokerStats(long handle) {
        super(handle);
    }

    public static BrokerStats create(String settings, String name) {
        NativeLib.ensureInit();
        return new BrokerStats(nativeCreate(settings, name));
    }

    /** One snapshot of the broker's $SYS tree; the first waits for it (ends early once the probe answers true). */
    public Outcome sample(ConnectionGroup group, BooleanSupplier shutdownProbe) {
        return nativeSample(group.handle(), handle(), shutdownProbe);
    }

    /** The last sample's figures by variable name, in the engine's order; "" = not published by the broker. */
    public Map<String, String> figures() {
        return parseFigures(nativeFigures(handle()));
    }

    /** "NAME=value" lines into a map, in order. */
    static Map<String, String> parseFigures(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null) {
            return m;
        }
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    private static native long nativeCreate(String settings, String name);

    private static native Outcome nativeSample(long group, long brokerStats, BooleanSupplier shutdownProbe);

    /** One NAME=value line each (value empty when not published): one string crosses JNI, not a map. */
    private static native String nativeFigures(long brokerStats);

    private static native void nativeFree(long brokerStats);
}

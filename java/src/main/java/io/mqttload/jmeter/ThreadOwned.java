package io.mqttload.jmeter;

import java.util.function.Function;

import io.mqttload.jni.NativeObject;

/**
 * An element's engine object for one JMeter thread (samplers are cloned per thread): made from the element's
 * settings document, made again when the document changes, freed at the thread's end.
 */
final class ThreadOwned<T extends NativeObject> {
    private final String what;
    private T current;
    private String settings;

    /** {@code what} names it in a warning ("a publisher"). */
    ThreadOwned(String what) {
        this.what = what;
    }

    /** The object made from {@code settings}: the current one if it was, else a new one from {@code make}. */
    T from(String settings, Function<String, T> make) {
        if (current == null || current.isClosed() || !settings.equals(this.settings)) {
            close();
            current = make.apply(settings);
            this.settings = settings;
        }
        return current;
    }

    /** The current object, or null. */
    T current() {
        return current;
    }

    /** Frees it (a later {@link #from} makes a new one). */
    void close() {
        T c = current;
        current = null;
        settings = null;
        if (c != null) {
            c.close();
        }
    }

    /** Frees it at the thread's end, where nothing may fail the thread. */
    void closeQuietly() {
        try {
            close();
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not free " + what + ": " + e);
        }
    }
}

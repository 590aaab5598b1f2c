package io.mqttload.jmeter;

import java.lang.reflect.Field;
import java.util.function.BooleanSupplier;

import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterThread;

/**
 * Answers whether JMeter has asked a JMeter thread to end after its current sample.
 *
 * <p>JMeter's graceful Shutdown (shutdown.sh, the GUI's Shutdown, "Shutdown" on the non-GUI UDP port) reaches a
 * thread only as {@code JMeterThread.stop()}, which clears the thread's private {@code running} flag (5.6.3:
 * StandardJMeterEngine.askThreadsToStop -> StopTest(false) -> ThreadGroup.stop -> JMeterThread.stop); no sampler is
 * interrupted and no public method tells. So this reads that flag. Once it is cleared the thread runs no further
 * sampler, which makes ending the current wait early safe. Stop also clears it, but interrupts us at once anyway.
 *
 * <p>Should a JMeter version lack the field, the probe is absent (null) and long samples run to their own end, as
 * before; a warning says so once.
 */
final class ShutdownProbe implements BooleanSupplier {
    private static final Field RUNNING = runningField();

    private final JMeterThread thread;

    private ShutdownProbe(JMeterThread thread) {
        this.thread = thread;
    }

    /** The probe for the calling JMeter thread, or null outside one (or when the flag cannot be read). */
    static BooleanSupplier forCurrentThread() {
        return of(JMeterContextService.getContext().getThread());
    }

    /** The probe for {@code thread}, or null when there is none or the flag cannot be read. */
    static BooleanSupplier of(JMeterThread thread) {
        return thread == null || RUNNING == null ? null : new ShutdownProbe(thread);
    }

    /** True once JMeter asked the thread to end. */
    @Override
    public boolean getAsBoolean() {
        try {
            return !RUNNING.getBoolean(thread); // volatile field: reflection reads it with volatile semantics
        } catch (IllegalAccessException e) {
            return false;
        }
    }

    private static Field runningField() {
        try {
            Field f = JMeterThread.class.getDeclaredField("running");
            if (f.getType() != boolean.class) {
                throw new NoSuchFieldException("JMeterThread.running is a " + f.getType().getName());
            }
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            Log.warn("mqttload: cannot see JMeter's Shutdown in this JMeter version (" + e
                    + "); a long Subscribe, Publish or Connect will run to its own end after Shutdown");
            return null;
        }
    }
}

package io.mqttload.jni;

import java.util.concurrent.atomic.AtomicLong;

/** Owner of one native handle; {@link #close()} frees it exactly once. */
public abstract class NativeObject implements AutoCloseable {
    private final AtomicLong handle;

    protected NativeObject(long handle) {
        if (handle == 0) {
            throw new NativeException(getClass().getSimpleName() + ": the native side returned a null handle");
        }
        this.handle = new AtomicLong(handle);
    }

    /** The live handle; IllegalStateException once closed. */
    public long handle() {
        long h = handle.get();
        if (h == 0) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
        return h;
    }

    /** The handle, or 0 once closed (never throws). */
    protected long rawHandle() {
        return handle.get();
    }

    public boolean isClosed() {
        return handle.get() == 0;
    }

    @Override
    public void close() {
        long h = handle.getAndSet(0);
        if (h != 0) {
            free(h);
        }
    }

    /** Releases the native resource; called at most once. */
    protected abstract void free(long handle);
}

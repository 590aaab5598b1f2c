package io.mqttload.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class NativeObjectTest {
    static final class Fake extends NativeObject {
        final AtomicInteger frees = new AtomicInteger();
        long freed;

        Fake(long h) {
            super(h);
        }

        @Override
        protected void free(long handle) {
            frees.incrementAndGet();
            freed = handle;
        }
    }

    @Test
    void closeIsIdempotent() {
        Fake f = new Fake(42);
        assertEquals(42, f.handle());
        assertFalse(f.isClosed());
        f.close();
        f.close();
        assertEquals(1, f.frees.get());
        assertEquals(42, f.freed);
        assertTrue(f.isClosed());
        assertThrows(IllegalStateException.class, f::handle);
    }

    @Test
    void tryWithResourcesFrees() {
        Fake f = new Fake(7);
        try (Fake g = f) {
            assertEquals(7, g.handle());
        }
        assertEquals(1, f.frees.get());
    }

    @Test
    void nullHandleRejected() {
        assertThrows(NativeException.class, () -> new Fake(0));
    }

    @Test
    void outcomeStatsAccessor() {
        Outcome o = new Outcome(true, "200", "ok", 1, 1, 0, 0, new long[] {5, -1}, null);
        assertEquals(5, o.figure("messages"));
        assertEquals(-1, o.figure("meanUs"));
        assertEquals(-1, o.figure("minUs"));
        assertEquals(-1, new Outcome(true, "200", "ok", 1, 1, 0, 0, null, null).stat(0));
    }
}

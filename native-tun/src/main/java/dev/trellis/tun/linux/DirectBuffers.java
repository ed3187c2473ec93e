package dev.trellis.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * Native addresses of direct buffers without a per-call allocation, and per-thread bounce buffers
 * for heap buffers.
 *
 * <p>JNA's {@link Native#getDirectBufferPointer} returns the buffer's <em>base</em> address
 * (position ignored, like direct mapping of a {@code Buffer} argument) and allocates a
 * {@link Pointer} each time. A buffer's base address never changes, so each thread remembers the
 * last few buffers it used. Entries are weak: the cache never keeps a buffer (and its native
 * memory) alive. Steady state, with a thread reusing the same buffers, allocates nothing; a new
 * buffer object (including each {@code slice()} or {@code duplicate()}) costs one lookup.
 */
final class DirectBuffers {

    /** The largest IP packet (IPv4 total length and IPv6 payload length are 16-bit). */
    static final int MAX_PACKET = 65535;

    private static final int SLOTS = 4;

    private static final ThreadLocal<Cache> CACHE = ThreadLocal.withInitial(Cache::new);

    private static final ThreadLocal<ByteBuffer> BOUNCE =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_PACKET));

    private DirectBuffers() {
    }

    /** The address of {@code buffer}'s first byte (index 0, not its position). */
    static long baseAddress(ByteBuffer buffer) {
        return CACHE.get().lookup(buffer);
    }

    /**
     * The address of a direct buffer's index 0 without the cache, for code that cycles through
     * more buffers than the cache holds (batches from a pool of thousands), where every lookup
     * would miss and allocate. Once compiled, escape analysis removes the temporary segment.
     * The buffer's position must not change concurrently.
     */
    static long uncachedAddress(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: " + buffer);
        }
        // A segment of a buffer starts at its position.
        return MemorySegment.ofBuffer(buffer).address() - buffer.position();
    }

    /**
     * This thread's {@link #MAX_PACKET}-byte direct buffer for copying heap buffers through. One
     * per thread that ever passes a heap buffer; never shared, so no locking.
     */
    static ByteBuffer bounce() {
        return BOUNCE.get().clear();
    }

    private static final class Cache {
        private final Slot[] slots = new Slot[SLOTS];
        private int next;

        Cache() {
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = new Slot();
            }
        }

        long lookup(ByteBuffer buffer) {
            for (Slot s : slots) {
                if (s.buffer != null && s.buffer.get() == buffer) {
                    return s.address;
                }
            }
            Pointer p = Native.getDirectBufferPointer(buffer);
            if (p == null) {
                throw new IllegalArgumentException("not a direct buffer: " + buffer);
            }
            Slot s = slots[next];
            next = (next + 1) % SLOTS;
            s.buffer = new WeakReference<>(buffer);
            s.address = Pointer.nativeValue(p);
            return s.address;
        }
    }

    private static final class Slot {
        WeakReference<ByteBuffer> buffer;
        long address;
    }
}

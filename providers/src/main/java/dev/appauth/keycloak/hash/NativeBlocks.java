package dev.appauth.keycloak.hash;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import de.mkammerer.argon2.jna.Size_t;

/**
 * The working memory of libargon2 (memory KiB per hash), kept between hashes through its allocate/free callbacks.
 * Left to malloc, glibc gives every thread that ever hashed an arena of its own and keeps the 7 MiB there after
 * free: with Keycloak's many worker threads that is ~7 MiB of RSS per thread (measured: +146 MiB after 32 threads,
 * 2 at a time). Here a freed block goes back to a pool; at most as many blocks exist as hashes ran at once
 * (bounded by the hash slots), and libargon2 wipes each block before handing it back.
 */
final class NativeBlocks {

    /** {@code int (*allocate_fptr)(uint8_t **memory, size_t bytes_to_allocate)} */
    public interface Allocate extends Callback {
        int invoke(PointerByReference memory, Size_t bytes);
    }

    /** {@code void (*deallocate_fptr)(uint8_t *memory, size_t bytes_to_allocate)} */
    public interface Free extends Callback {
        void invoke(Pointer memory, Size_t bytes);
    }

    /** ARGON2_MEMORY_ALLOCATION_ERROR */
    private static final int ALLOCATION_ERROR = -22;
    /** libargon2's optimised code loads blocks with aligned SIMD instructions; a cache line is plenty */
    private static final int ALIGNMENT = 64;

    private final Map<Long, ConcurrentLinkedDeque<Memory>> idle = new ConcurrentHashMap<>();
    /** blocks handed to libargon2, by address: referenced here so that the GC cannot free them meanwhile */
    private final Map<Long, Memory> lent = new ConcurrentHashMap<>();

    // strong references: JNA only keeps callbacks weakly, and native code holds their function pointers
    private final Allocate allocate = this::allocate;
    private final Free free = this::free;
    final Pointer allocatePointer = CallbackReference.getFunctionPointer(allocate);
    final Pointer freePointer = CallbackReference.getFunctionPointer(free);

    private int allocate(PointerByReference memory, Size_t bytes) {
        try {
            long size = bytes.longValue();
            ConcurrentLinkedDeque<Memory> pool = idle.computeIfAbsent(size, s -> new ConcurrentLinkedDeque<>());
            Memory block = pool.pollFirst();
            if (block == null) {
                block = new Memory(size + ALIGNMENT).align(ALIGNMENT);
            }
            lent.put(Pointer.nativeValue(block), block);
            memory.setValue(block);
            return 0;
        } catch (OutOfMemoryError | RuntimeException e) {
            return ALLOCATION_ERROR; // libargon2 then fails the hash with its own error code
        }
    }

    private void free(Pointer memory, Size_t bytes) {
        Memory block = memory == null ? null : lent.remove(Pointer.nativeValue(memory));
        if (block != null) {
            idle.computeIfAbsent(bytes.longValue(), s -> new ConcurrentLinkedDeque<>()).offerFirst(block);
        }
    }

    /** Blocks that exist (idle or in use), for the server info. */
    int blocks() {
        return lent.size() + idle.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
    }
}

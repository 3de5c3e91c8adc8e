package org.atrium.emulator.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Zeroed off-heap memory that costs the host only the pages written to it, as QEMU's guest RAM
 * does: on Linux an anonymous private mapping ({@code mmap} with {@code MAP_NORESERVE}) made
 * through the FFM API. Until a page is written, reading it maps the kernel's shared zero page, so
 * an untouched page of a 256 MiB guest costs nothing. {@link Arena#allocate} instead zeroes the
 * whole block up front, which touches (and keeps resident) every page.
 *
 * <p>The mapping needs native access for this module ({@code --enable-native-access}); without it,
 * or on another OS, memory comes from {@link Arena#allocate}: correct, only not lazy. {@link
 * #lazy()} says which one this process gets.
 */
public final class LazyMemory {
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000;
    private static final int MADV_DONTNEED = 4;
    private static final long PAGE = 4096;
    private static final Native NATIVE = Native.load();

    private LazyMemory() {}

    /** Whether {@link #allocate} maps memory lazily in this process. */
    public static boolean lazy() {
        return NATIVE != null;
    }

    /**
     * {@code bytes} of zeroed memory, 4 KiB-aligned, freed when {@code arena} closes.
     *
     * @throws OutOfMemoryError if the host refuses the mapping
     */
    public static MemorySegment allocate(long bytes, Arena arena) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("size must be positive: " + bytes);
        }
        if (NATIVE == null) {
            return arena.allocate(bytes, PAGE);
        }
        long size = (bytes + PAGE - 1) & -PAGE;
        MemorySegment base;
        try {
            base =
                    (MemorySegment)
                            NATIVE.mmap.invokeExact(
                                    MemorySegment.NULL,
                                    size,
                                    PROT_READ_WRITE,
                                    MAP_PRIVATE_ANONYMOUS_NORESERVE,
                                    -1,
                                    0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap failed", e);
        }
        if (base.address() == -1L || base.address() == 0) {
            throw new OutOfMemoryError("the host refused to map " + size + " bytes");
        }
        MethodHandle munmap = NATIVE.munmap;
        return base.reinterpret(
                        size,
                        arena,
                        s -> {
                            try {
                                int unused = (int) munmap.invokeExact(s, size);
                            } catch (Throwable e) {
                                throw new IllegalStateException("munmap failed", e);
                            }
                        })
                .asSlice(0, bytes);
    }

    /**
     * Zeroes {@code segment}; memory from {@link #allocate} gives its whole pages back to the host
     * ({@code MADV_DONTNEED}) instead of writing zeros into them.
     */
    public static void clear(MemorySegment segment) {
        long start = (segment.address() + PAGE - 1) & -PAGE;
        long end = (segment.address() + segment.byteSize()) & -PAGE;
        if (NATIVE == null || end <= start) {
            segment.fill((byte) 0);
            return;
        }
        int result;
        try {
            result =
                    (int)
                            NATIVE.madvise.invokeExact(
                                    MemorySegment.ofAddress(start), end - start, MADV_DONTNEED);
        } catch (Throwable e) {
            result = -1;
        }
        if (result != 0) {
            segment.fill((byte) 0);
            return;
        }
        // Only the partial pages at either end still need zeros written.
        segment.asSlice(0, start - segment.address()).fill((byte) 0);
        segment.asSlice(end - segment.address()).fill((byte) 0);
    }

    /**
     * Copies {@code source} into {@code target} (same size) but writes no page that is all zeros in
     * both, so that a mostly empty image copied into fresh {@link #allocate}d memory touches only
     * the pages it has to (reading an untouched page costs nothing).
     */
    public static void copySparse(MemorySegment source, MemorySegment target) {
        if (source.byteSize() != target.byteSize()) {
            throw new IllegalArgumentException("sizes differ");
        }
        long size = source.byteSize();
        for (long at = 0; at < size; at += PAGE) {
            long n = Math.min(PAGE, size - at);
            MemorySegment page = source.asSlice(at, n);
            if (!zero(page) || !zero(target.asSlice(at, n))) {
                MemorySegment.copy(page, 0, target, at, n);
            }
        }
    }

    private static boolean zero(MemorySegment page) {
        long n = page.byteSize();
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            if (page.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != 0) {
                return false;
            }
        }
        for (; i < n; i++) {
            if (page.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The libc calls, or {@code null} where they cannot (or may not) be used. */
    private record Native(MethodHandle mmap, MethodHandle munmap, MethodHandle madvise) {
        static Native load() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.startsWith("linux") || !LazyMemory.class.getModule().isNativeAccessEnabled()) {
                return null;
            }
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                return new Native(
                        linker.downcallHandle(
                                libc.find("mmap").orElseThrow(),
                                FunctionDescriptor.of(
                                        ValueLayout.ADDRESS,
                                        ValueLayout.ADDRESS,
                                        ValueLayout.JAVA_LONG,
                                        ValueLayout.JAVA_INT,
                                        ValueLayout.JAVA_INT,
                                        ValueLayout.JAVA_INT,
                                        ValueLayout.JAVA_LONG)),
                        linker.downcallHandle(
                                libc.find("munmap").orElseThrow(),
                                FunctionDescriptor.of(
                                        ValueLayout.JAVA_INT,
                                        ValueLayout.ADDRESS,
                                        ValueLayout.JAVA_LONG)),
                        linker.downcallHandle(
                                libc.find("madvise").orElseThrow(),
                                FunctionDescriptor.of(
                                        ValueLayout.JAVA_INT,
                                        ValueLayout.ADDRESS,
                                        ValueLayout.JAVA_LONG,
                                        ValueLayout.JAVA_INT)));
            } catch (RuntimeException e) {
                // No linker for this platform, or native access denied: fall back to Arena memory.
                return null;
            }
        }
    }
}

package org.atrium.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class LazyMemoryTest {
    private static final long MIB = 1 << 20;

    @Test
    void memoryStartsZeroedAndKeepsWhatIsWritten() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = LazyMemory.allocate(3 * MIB + 100, arena);
            assertEquals(3 * MIB + 100, m.byteSize());
            assertEquals(0, m.address() % 4096);
            for (long a = 0; a < m.byteSize(); a += 997) {
                assertEquals(0, m.get(ValueLayout.JAVA_BYTE, a));
            }
            m.set(ValueLayout.JAVA_INT_UNALIGNED, 3 * MIB + 96, 0x12345678);
            assertEquals(0x12345678, m.get(ValueLayout.JAVA_INT_UNALIGNED, 3 * MIB + 96));
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void untouchedPagesCostNoResidentMemory() throws IOException {
        // The build enables native access for this module, so the lazy mapping must be in use.
        assertTrue(LazyMemory.lazy(), "native access is not enabled for the emulator's module");
        try (Arena arena = Arena.ofConfined()) {
            long before = residentKib();
            MemorySegment m = LazyMemory.allocate(256 * MIB, arena);
            long sum = 0;
            for (long a = 0; a < m.byteSize(); a += 4096) {
                sum += m.get(ValueLayout.JAVA_BYTE, a);
            }
            for (long a = 0; a < 8 * MIB; a += 4096) {
                m.set(ValueLayout.JAVA_BYTE, a, (byte) 1);
            }
            long grown = residentKib() - before;
            assertEquals(0, sum);
            // 8 MiB written; reading the other 248 MiB must not have made them resident.
            assertTrue(
                    grown >= 8 * 1024 - 512 && grown < 40 * 1024, "RSS grew by " + grown + " KiB");
            LazyMemory.clear(m);
            assertTrue(residentKib() - before < 32 * 1024, "clear kept the pages resident");
            assertEquals(0, m.get(ValueLayout.JAVA_BYTE, 4096));
        }
    }

    @Test
    void clearZeroesEveryByteIncludingPartialPages() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = LazyMemory.allocate(5 * 4096, arena);
            m.fill((byte) 0x5A);
            MemorySegment inner = m.asSlice(100, 4 * 4096);
            LazyMemory.clear(inner);
            for (long a = 0; a < m.byteSize(); a++) {
                boolean cleared = a >= 100 && a < 100 + 4 * 4096;
                assertEquals(cleared ? 0 : 0x5A, m.get(ValueLayout.JAVA_BYTE, a), "byte " + a);
            }
        }
    }

    @Test
    void sparseCopyGivesTheSameBytesAsACopy() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(6 * 4096 + 10);
            source.set(ValueLayout.JAVA_BYTE, 4096 + 7, (byte) 3);
            source.set(ValueLayout.JAVA_BYTE, 6 * 4096 + 9, (byte) 4);
            MemorySegment target = LazyMemory.allocate(source.byteSize(), arena);
            // A page that is zero in the source but not in the target must still be overwritten.
            target.set(ValueLayout.JAVA_BYTE, 3 * 4096 + 1, (byte) 9);
            LazyMemory.copySparse(source, target);
            assertEquals(-1, source.mismatch(target));
        }
    }

    private static long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}

package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HostByteBufferTest {
    private static String pattern(int from, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            sb.append((char) ('a' + i % 26));
        }
        return sb.toString();
    }

    private static void write(HostByteBuffer buffer, String text) {
        for (int i = 0; i < text.length(); i++) {
            buffer.write(text.charAt(i));
        }
    }

    @Test
    void theRingGrowsAsItFillsAndKeepsEveryByte() {
        HostByteBuffer buffer = new HostByteBuffer(1 << 16);
        assertEquals(HostByteBuffer.FIRST_SIZE, buffer.size());
        write(buffer, pattern(0, 10_000));
        assertEquals(16_384, buffer.size(), "4 KiB doubled twice");
        assertEquals(pattern(0, 10_000), buffer.text());
    }

    @Test
    void atItsCapacityTheOldestBytesGo() {
        HostByteBuffer buffer = new HostByteBuffer(8192);
        write(buffer, pattern(0, 20_000));
        assertEquals(8192, buffer.size());
        assertEquals(pattern(20_000 - 8192, 8192), buffer.text());
    }

    @Test
    void aReaderFollowsTheBytesAcrossGrowth() throws Exception {
        HostByteBuffer buffer = new HostByteBuffer(1 << 16);
        write(buffer, "x");
        InputStream in = buffer.stream(); // reads from now on
        write(buffer, pattern(0, 3000));
        byte[] first = in.readNBytes(3000);
        write(buffer, pattern(3000, 9000));
        buffer.close();
        byte[] rest = in.readAllBytes();
        assertEquals(pattern(0, 3000), new String(first, StandardCharsets.ISO_8859_1));
        assertEquals(pattern(3000, 9000), new String(rest, StandardCharsets.ISO_8859_1));
    }
}

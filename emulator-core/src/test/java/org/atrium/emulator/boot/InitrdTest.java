package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class InitrdTest {
    /** A newc archive with one file and the trailer, as the kernel unpacks it. */
    private static byte[] cpio() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entry(out, "init", 0100755, "#!/bin/sh\necho hi\n");
        entry(out, "TRAILER!!!", 0, "");
        return out.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, String name, int mode, String data) {
        String header =
                String.format(
                        "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                        1, mode, 0, 0, 1, 0, data.length(), 0, 0, 0, 0, name.length() + 1, 0);
        byte[] h = (header + name + "\0").getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(h);
        out.writeBytes(new byte[(4 - h.length % 4) % 4]);
        out.writeBytes(data.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[(4 - data.length() % 4) % 4]);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void wholeArchivesPass() throws IOException {
        Initrd.check(cpio());
        Initrd.check(gzip(cpio()));
        // An early uncompressed archive (microcode) followed by the compressed main one.
        Initrd.check(concat(concat(cpio(), new byte[512]), gzip(cpio())));
    }

    @Test
    void truncatedGzipIsRefusedWithItsOffset() throws IOException {
        byte[] whole = gzip(cpio());
        byte[] cut = Arrays.copyOf(whole, whole.length - 10);
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> Initrd.check(cut));
        assertTrue(e.getMessage().startsWith("truncated or damaged initrd"), e.getMessage());
        assertTrue(e.getMessage().contains("byte 0"), e.getMessage());
    }

    @Test
    void damagedGzipFailsItsCrc() throws IOException {
        byte[] data = gzip(cpio());
        data[data.length - 8] ^= 1; // the CRC-32 of the trailer
        assertThrows(InvalidKernelException.class, () -> Initrd.check(data));
    }

    @Test
    void truncatedCpioIsRefusedNamingTheEntry() {
        byte[] whole = cpio();
        byte[] cut = Arrays.copyOf(whole, 120);
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> Initrd.check(cut));
        assertTrue(e.getMessage().contains("\"init\""), e.getMessage());
        assertThrows(InvalidKernelException.class, () -> Initrd.check(new byte[0]));
    }

    @Test
    void truncatedXzHasNoFooter() {
        byte[] xz = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 0, 4, 1, 2, 3, 4, 5, 6};
        assertThrows(InvalidKernelException.class, () -> Initrd.check(xz));
    }
}

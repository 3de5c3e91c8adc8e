package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BzImageTest {
    @Test
    void parsesTheSetupHeader() {
        BzImage k = BzImage.parse(new SyntheticBzImage().build());
        assertEquals(4, k.setupSectors());
        assertEquals(0x020F, k.protocolVersion());
        assertEquals(0x100000, k.code32Start());
        assertEquals(0x7FFFFFFFL, k.initrdAddrMax());
        assertEquals(2047, k.cmdlineSize());
        assertEquals(0x10000, k.initSize());
        assertEquals(5 * 512, k.kernelOffset());
        byte[] pm = k.protectedModeKernel();
        assertEquals(4096, pm.length);
        for (int i = 0; i < pm.length; i++) {
            assertEquals(SyntheticBzImage.kernelByte(i), pm[i], "kernel byte " + i);
        }
        // The header copied to boot_params runs from 0x1F1 to the end the jump at 0x200 says.
        assertEquals(0x26C - 0x1F1, k.setupHeader().length);
    }

    @Test
    void refusesAFileThatIsNotABzImage() {
        byte[] elf = new byte[8192];
        byte[] magic = "\u007FELF".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(magic, 0, elf, 0, magic.length);
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> BzImage.parse(elf));
        assertTrue(e.getMessage().contains("not a Linux bzImage"), e.getMessage());
        assertTrue(e.getMessage().contains("HdrS"), e.getMessage());
    }

    @Test
    void refusesAFileTooShortForAHeader() {
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> BzImage.parse(new byte[100]));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void refusesATruncatedImage() {
        byte[] whole = new SyntheticBzImage().build();
        byte[] cut = Arrays.copyOf(whole, whole.length - 16);
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> BzImage.parse(cut));
        assertTrue(e.getMessage().startsWith("truncated bzImage"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(whole.length)), e.getMessage());
    }

    @Test
    void refusesATooOldProtocol() {
        byte[] old = new SyntheticBzImage().protocol(0x0205).build();
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> BzImage.parse(old));
        assertEquals(
                "Linux boot protocol 2.05 is too old: 2.06 or later is needed", e.getMessage());
    }

    @Test
    void refusesAZImage() {
        byte[] zImage = new SyntheticBzImage().loadFlags(0).build();
        InvalidKernelException e =
                assertThrows(InvalidKernelException.class, () -> BzImage.parse(zImage));
        assertTrue(e.getMessage().contains("LOADED_HIGH"), e.getMessage());
    }

    @Test
    void keepsItsOwnCopyOfTheFile() {
        byte[] file = new SyntheticBzImage().build();
        BzImage k = BzImage.parse(file);
        file[5 * 512] = 0x55;
        assertArrayEquals(new SyntheticBzImage().build(), k.image());
    }
}

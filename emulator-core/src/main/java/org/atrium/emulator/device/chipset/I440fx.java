package org.atrium.emulator.device.chipset;

import org.atrium.emulator.device.pci.PciFunction;
import org.atrium.emulator.device.pci.PciFunctionState;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * The Intel 82441FX PCI and memory controller (PMC) of the 440FX chipset, function 0 of the host
 * bridge (datasheet 290549, section 3.2): PCI identity 8086:1237, and the Programmable Attribute
 * Map registers PAM0-PAM6 (0x59-0x5F) that route reads and writes of 0xC0000-0xFFFFF to DRAM or to
 * the PCI/ISA bus (the BIOS ROM). The SMRAM register (0x72) and the other DRAM control registers
 * hold what is written but do nothing.
 *
 * <p>Left out: SMRAM (no SMM in the CPU), DRAM row boundaries (the board decides RAM size).
 */
public final class I440fx implements Snapshottable<PciFunctionState> {
    private static final int PAM0 = 0x59;
    private static final int SMRAM = 0x72;

    private final PciFunction function;
    private final ShadowControl shadow;

    public I440fx(ShadowControl shadow) {
        this.shadow = shadow;
        this.function =
                new PciFunction(0x8086, 0x1237, 0x02, 0x060000, 0x00)
                        .subsystem(0x1AF4, 0x1100)
                        .writable(0x50, 0x30)
                        .initial(SMRAM, 0x02)
                        .onWrite(this::written);
        applyPam();
    }

    public PciFunction function() {
        return function;
    }

    /** After PCI reset: PAM back to 0, so the BIOS is read from ROM again. */
    public void reset() {
        function.reset();
        applyPam();
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "pci-i440fx";
    }

    @Override
    public Class<PciFunctionState> stateType() {
        return PciFunctionState.class;
    }

    @Override
    public PciFunctionState snapshot() {
        return function.snapshot();
    }

    /** Loads a snapshot; the PAM routing follows from the restored registers. */
    @Override
    public void restore(PciFunctionState state) {
        function.restore(state);
        applyPam();
    }

    private void written(int offset, int size) {
        if (offset <= PAM0 + 6 && offset + size > PAM0) {
            applyPam();
        }
    }

    private void applyPam() {
        // PAM0 bits 5:4 cover the 64 KiB BIOS area; PAM1-6 cover two 16 KiB blocks each.
        int pam0 = function.config8(PAM0) >> 4;
        shadow.shadow(0xF0000, 0x10000, (pam0 & 1) != 0, (pam0 & 2) != 0);
        for (int i = 1; i <= 6; i++) {
            int pam = function.config8(PAM0 + i);
            int base = 0xC0000 + (i - 1) * 0x8000;
            shadow.shadow(base, 0x4000, (pam & 1) != 0, (pam & 2) != 0);
            shadow.shadow(base + 0x4000, 0x4000, (pam & 0x10) != 0, (pam & 0x20) != 0);
        }
    }
}

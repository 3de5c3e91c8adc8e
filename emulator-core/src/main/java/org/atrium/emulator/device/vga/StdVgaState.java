package org.atrium.emulator.device.vga;

/**
 * The state of a std VGA as the chip holds it: general, sequencer, graphics controller, CRTC,
 * attribute controller and DAC registers with their index registers, the attribute flip-flop, the
 * four latches, the Bochs DISPI registers and video memory. A DAC triple half written when the
 * snapshot was taken is not kept (the guest's next write starts a new triple).
 *
 * @param latches the four plane latches, plane 0 in the low byte
 * @param attributeExpectsData whether the next write to 0x3C0 is data (flip-flop state)
 * @param dacState the value port 0x3C7 reads (0 after a write index, 3 after a read index)
 */
public record StdVgaState(
        int misc,
        int featureControl,
        int sequencerIndex,
        int[] sequencer,
        int graphicsIndex,
        int[] graphics,
        int crtcIndex,
        int[] crtc,
        int attributeIndex,
        boolean attributeExpectsData,
        int[] attribute,
        int[] dac,
        int pelMask,
        int dacReadIndex,
        int dacReadComponent,
        int dacWriteIndex,
        int dacState,
        int latches,
        DispiState dispi,
        byte[] videoMemory) {

    /** The Bochs VBE DISPI registers. */
    public record DispiState(
            int index,
            int id,
            int xres,
            int yres,
            int bpp,
            int enable,
            int bank,
            int virtWidth,
            int xOffset,
            int yOffset) {}
}

package org.atrium.emulator.device.pic;

/**
 * The registers of one 8259A as the datasheet names them, plus the PIIX ELCR byte.
 *
 * @param inputLevels the IR input pins as last driven (edge detection compares against them)
 * @param lowestPriority the input with the lowest priority after rotation, 0-7 (7 when unrotated)
 * @param vectorBase ICW2's T7-T3 bits (a multiple of 8)
 * @param initState where the initialisation sequence stands: 0 done, 1-3 expecting ICW2-ICW4
 * @param icw3 the cascade byte (slave inputs for a master, the slave ID for a slave)
 */
public record I8259State(
        int irr,
        int isr,
        int imr,
        int inputLevels,
        int lowestPriority,
        int vectorBase,
        int initState,
        boolean needIcw4,
        boolean single,
        int icw3,
        boolean autoEoi,
        boolean rotateOnAutoEoi,
        boolean specialFullyNested,
        boolean specialMask,
        boolean readIsr,
        boolean poll,
        int elcr) {
    public I8259State {
        for (int b : new int[] {irr, isr, imr, inputLevels, icw3, elcr}) {
            if ((b & ~0xFF) != 0) {
                throw new IllegalArgumentException("8259 register out of range: " + b);
            }
        }
        if (lowestPriority < 0 || lowestPriority > 7 || (vectorBase & ~0xF8) != 0) {
            throw new IllegalArgumentException("8259 priority or vector base out of range");
        }
        if (initState < 0 || initState > 3) {
            throw new IllegalArgumentException("8259 initialisation state out of range");
        }
    }
}

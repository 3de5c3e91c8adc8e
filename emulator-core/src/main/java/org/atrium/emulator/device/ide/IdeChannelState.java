package org.atrium.emulator.device.ide;

import java.util.Objects;

/**
 * The registers of one IDE channel and the PIO transfer in progress, as ATA/ATAPI-6 describes the
 * task file; the drives' media are not part of it (they are the disks').
 *
 * @param drives the per-drive registers of the master (0) and the slave (1)
 * @param selected the drive the device register selects (0 or 1)
 * @param taskFile features, sector count, LBA low, mid, high: current values
 * @param hobTaskFile the same registers' previous values (48-bit addressing)
 * @param device the device register's writable bits
 * @param deviceControl the device control register
 * @param interruptPending INTRQ asserted by the drive (before nIEN)
 * @param transfer what the data port does now
 * @param buffer the data block being transferred
 * @param position the next byte of {@code buffer} the data port moves
 * @param end where the current DRQ block ends in {@code buffer}
 * @param nextSector the next sector of a multi-block ATA command
 * @param remainingSectors sectors of the ATA command not yet in {@code buffer}
 * @param blockSectors sectors per DRQ block of the ATA command
 * @param byteLimit the ATAPI byte count limit of the PACKET command
 * @param cdNextSector the next 2048-byte sector of an ATAPI read
 * @param cdRemaining ATAPI sectors not yet in {@code buffer}
 */
public record IdeChannelState(
        DriveRegisters[] drives,
        int selected,
        int[] taskFile,
        int[] hobTaskFile,
        int device,
        int deviceControl,
        boolean interruptPending,
        Transfer transfer,
        byte[] buffer,
        int position,
        int end,
        long nextSector,
        long remainingSectors,
        int blockSectors,
        int byteLimit,
        long cdNextSector,
        long cdRemaining) {

    /** What the data port of a channel is doing. */
    public enum Transfer {
        NONE,
        PIO_IN,
        PIO_OUT,
        PACKET_COMMAND,
        PACKET_IN
    }

    /**
     * The registers each drive keeps for itself.
     *
     * @param status the status register
     * @param error the error register
     * @param multiple sectors per block of READ/WRITE MULTIPLE (0: not set)
     * @param heads heads of the CHS translation (INITIALIZE DEVICE PARAMETERS)
     * @param sectorsPerTrack sectors per track of the CHS translation
     * @param senseKey the ATAPI sense key REQUEST SENSE reports
     * @param senseCode the ATAPI additional sense code
     */
    public record DriveRegisters(
            int status,
            int error,
            int multiple,
            int heads,
            int sectorsPerTrack,
            int senseKey,
            int senseCode) {}

    public IdeChannelState {
        Objects.requireNonNull(transfer, "transfer");
        if (drives.length != 2 || taskFile.length != 5 || hobTaskFile.length != 5) {
            throw new IllegalArgumentException("an IDE channel has two drives and five registers");
        }
        if (selected != 0 && selected != 1) {
            throw new IllegalArgumentException("selected drive must be 0 or 1");
        }
        if (position < 0 || end < position || end > buffer.length || position % 2 != 0) {
            throw new IllegalArgumentException("data position outside the transfer buffer");
        }
        if (blockSectors < 0 || remainingSectors < 0 || cdRemaining < 0 || byteLimit < 0) {
            throw new IllegalArgumentException("negative transfer count");
        }
        drives = drives.clone();
        taskFile = taskFile.clone();
        hobTaskFile = hobTaskFile.clone();
        buffer = buffer.clone();
    }

    @Override
    public DriveRegisters[] drives() {
        return drives.clone();
    }

    @Override
    public int[] taskFile() {
        return taskFile.clone();
    }

    @Override
    public int[] hobTaskFile() {
        return hobTaskFile.clone();
    }

    @Override
    public byte[] buffer() {
        return buffer.clone();
    }
}

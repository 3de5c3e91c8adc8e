package org.atrium.emulator.device.ide;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.device.ide.IdeChannelState.DriveRegisters;
import org.atrium.emulator.device.ide.IdeChannelState.Transfer;

/**
 * One IDE channel of the Intel 82371SB (PIIX3) with up to two drives, as ATA/ATAPI-6 (T13 1410D)
 * describes it: the command block (data, error/features, sector count, LBA low/mid/high, device,
 * status/command; 8 ports) and the control block (alternate status/device control; 1 port), the
 * register pairs of 48-bit addressing (HOB), PIO data-in and data-out transfers and the PACKET
 * protocol with the MMC/SPC commands SeaBIOS and Linux use on a CD-ROM.
 *
 * <p>ATA commands: IDENTIFY (PACKET) DEVICE, READ/WRITE SECTORS, READ/WRITE MULTIPLE (and their EXT
 * forms), READ VERIFY, SET MULTIPLE MODE, SET FEATURES, INITIALIZE DEVICE PARAMETERS, FLUSH CACHE
 * (EXT), EXECUTE DEVICE DIAGNOSTIC, DEVICE RESET, SEEK, RECALIBRATE, power-mode commands that
 * succeed at once. ATAPI: TEST UNIT READY, REQUEST SENSE, INQUIRY, MODE SENSE(6/10) pages 01h and
 * 2Ah, READ CAPACITY, READ(10/12), READ TOC formats 0 and 1, START STOP UNIT, PREVENT ALLOW MEDIUM
 * REMOVAL, SEEK(10).
 *
 * <p>Left out: DMA (the PIIX bus-master engine comes later; IDENTIFY offers no DMA mode), timing
 * (every command completes at once, BSY is never seen), SMART, security, audio CD commands,
 * media-change unit attention and ATAPI overlap/queueing.
 */
public final class IdeChannel {
    static final int ERR = 0x01;
    static final int DRQ = 0x08;
    static final int DSC = 0x10;
    static final int DRDY = 0x40;
    static final int BSY = 0x80;
    static final int ABRT = 0x04;
    static final int IDNF = 0x10;
    static final int UNC = 0x40;
    private static final int CONTROL_NIEN = 0x02;
    private static final int CONTROL_SRST = 0x04;
    private static final int CONTROL_HOB = 0x80;
    private static final int DEVICE_LBA = 0x40;
    private static final int MAX_MULTIPLE = 16;
    private static final int CD_SECTOR = 2048;
    private static final int SENSE_NOT_READY = 2;
    private static final int SENSE_ILLEGAL_REQUEST = 5;

    private final InterruptLine irq;
    private final IdeDrive[] drives = new IdeDrive[2];
    private final int[] status = new int[2];
    private final int[] error = new int[2];
    private final int[] multiple = new int[2];
    private final int[] heads = new int[2];
    private final int[] sectorsPerTrack = new int[2];
    private final int[] senseKey = new int[2];
    private final int[] senseCode = new int[2];
    private int selected;
    private int features;
    private int sectorCount;
    private int lbaLow;
    private int lbaMid;
    private int lbaHigh;
    private int hobFeatures;
    private int hobSectorCount;
    private int hobLbaLow;
    private int hobLbaMid;
    private int hobLbaHigh;
    private int device;
    private int control;
    private boolean interruptPending;

    private Transfer transfer = Transfer.NONE;
    private byte[] buffer = new byte[0];
    private int position;
    private int end;
    private long nextSector;
    private long remainingSectors;
    private int blockSectors;
    private int byteLimit;
    private long cdNextSector;
    private long cdRemaining;

    /**
     * @param irq the channel's interrupt line (IRQ 14 or 15 in compatibility mode)
     * @param master drive 0, or null
     * @param slave drive 1, or null
     */
    public IdeChannel(InterruptLine irq, IdeDrive master, IdeDrive slave) {
        this.irq = irq;
        drives[0] = master;
        drives[1] = slave;
        reset();
    }

    /** Hardware reset (RESET-): both drives back to their power-on state and signatures. */
    public void reset() {
        control = 0;
        interruptPending = false;
        for (int d = 0; d < 2; d++) {
            multiple[d] = 0;
            heads[d] = IdeDrive.HEADS;
            sectorsPerTrack[d] = IdeDrive.SECTORS_PER_TRACK;
            senseKey[d] = 0;
            senseCode[d] = 0;
        }
        softReset();
    }

    /** The channel's registers and transfer now. */
    public IdeChannelState snapshot() {
        DriveRegisters[] regs = new DriveRegisters[2];
        for (int d = 0; d < 2; d++) {
            regs[d] =
                    new DriveRegisters(
                            status[d],
                            error[d],
                            multiple[d],
                            heads[d],
                            sectorsPerTrack[d],
                            senseKey[d],
                            senseCode[d]);
        }
        return new IdeChannelState(
                regs,
                selected,
                new int[] {features, sectorCount, lbaLow, lbaMid, lbaHigh},
                new int[] {hobFeatures, hobSectorCount, hobLbaLow, hobLbaMid, hobLbaHigh},
                device,
                control,
                interruptPending,
                transfer,
                buffer,
                position,
                end,
                nextSector,
                remainingSectors,
                blockSectors,
                byteLimit,
                cdNextSector,
                cdRemaining);
    }

    /**
     * Loads a snapshot taken on a channel with the same drives; registers are masked to their
     * widths, so a hostile state cannot make the channel index outside its buffers.
     */
    public void restore(IdeChannelState state) {
        DriveRegisters[] regs = state.drives();
        for (int d = 0; d < 2; d++) {
            DriveRegisters r = regs[d];
            status[d] = r.status() & 0xFF;
            error[d] = r.error() & 0xFF;
            multiple[d] = r.multiple() & 0xFF;
            heads[d] = Math.clamp(r.heads(), 1, 16);
            sectorsPerTrack[d] = Math.clamp(r.sectorsPerTrack(), 1, 255);
            senseKey[d] = r.senseKey() & 0x0F;
            senseCode[d] = r.senseCode() & 0xFF;
        }
        selected = state.selected();
        int[] t = state.taskFile();
        int[] h = state.hobTaskFile();
        features = t[0] & 0xFF;
        sectorCount = t[1] & 0xFF;
        lbaLow = t[2] & 0xFF;
        lbaMid = t[3] & 0xFF;
        lbaHigh = t[4] & 0xFF;
        hobFeatures = h[0] & 0xFF;
        hobSectorCount = h[1] & 0xFF;
        hobLbaLow = h[2] & 0xFF;
        hobLbaMid = h[3] & 0xFF;
        hobLbaHigh = h[4] & 0xFF;
        device = state.device() & 0x5F;
        control = state.deviceControl() & 0xFF;
        interruptPending = state.interruptPending();
        // A transfer needs a drive to talk to; on a channel without it nothing is in progress.
        buffer = state.buffer();
        position = state.position();
        end = state.end();
        transfer = state.transfer();
        // A transfer needs a drive and a whole word left in its block; else none is in progress.
        if (drives[selected] == null || position >= end || end % 2 != 0) {
            transfer = Transfer.NONE;
        }
        nextSector = state.nextSector();
        remainingSectors = state.remainingSectors();
        // Zero is a real value (before the first command, and for IDENTIFY); a hostile zero can
        // only stall the guest's own transfer: every data port access still returns.
        blockSectors = Math.clamp(state.blockSectors(), 0, 256);
        byteLimit = Math.clamp(state.byteLimit(), 0, 0xFFFE) & 0xFFFE;
        cdNextSector = state.cdNextSector();
        cdRemaining = state.cdRemaining();
        updateIrq();
    }

    /** The command block: eight ports at offsets 0-7 (0x1F0 or 0x170 on a PC). */
    public BusDevice commandBlock() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return readCommand(offset, size);
            }

            @Override
            public void write(int offset, int size, int value) {
                writeCommand(offset, size, value);
            }
        };
    }

    /** The control block: one port (0x3F6 or 0x376): alternate status / device control. */
    public BusDevice controlBlock() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return drives[selected] == null ? 0 : status[selected];
            }

            @Override
            public void write(int offset, int size, int value) {
                writeControl(value & 0xFF);
            }
        };
    }

    // ---- registers ----

    private int readCommand(int offset, int size) {
        if (drives[0] == null && drives[1] == null) {
            // An empty channel reads as zeros, as on QEMU's PIIX, which drivers take for absence.
            return 0;
        }
        boolean hob = (control & CONTROL_HOB) != 0;
        return switch (offset) {
            case 0 -> readData(size);
            case 1 -> drives[selected] == null ? 0 : hob ? hobFeatures : error[selected];
            case 2 -> hob ? hobSectorCount : sectorCount;
            case 3 -> hob ? hobLbaLow : lbaLow;
            case 4 -> hob ? hobLbaMid : lbaMid;
            case 5 -> hob ? hobLbaHigh : lbaHigh;
            case 6 -> device | 0xA0;
            case 7 -> {
                if (drives[selected] == null) {
                    yield 0;
                }
                // Reading the status register acknowledges the interrupt.
                interruptPending = false;
                updateIrq();
                yield status[selected];
            }
            default -> 0xFF;
        };
    }

    private void writeCommand(int offset, int size, int value) {
        if (offset == 0) {
            writeData(size, value);
            return;
        }
        int v = value & 0xFF;
        // Writing a task-file register clears HOB (ATA/ATAPI-6 section 7.9).
        control &= ~CONTROL_HOB;
        switch (offset) {
            case 1 -> {
                hobFeatures = features;
                features = v;
            }
            case 2 -> {
                hobSectorCount = sectorCount;
                sectorCount = v;
            }
            case 3 -> {
                hobLbaLow = lbaLow;
                lbaLow = v;
            }
            case 4 -> {
                hobLbaMid = lbaMid;
                lbaMid = v;
            }
            case 5 -> {
                hobLbaHigh = lbaHigh;
                lbaHigh = v;
            }
            case 6 -> {
                device = v & 0x5F;
                selected = (v >> 4) & 1;
            }
            case 7 -> command(v);
            default -> {}
        }
    }

    private void writeControl(int value) {
        boolean wasReset = (control & CONTROL_SRST) != 0;
        control = value;
        if ((value & CONTROL_SRST) != 0) {
            for (int d = 0; d < 2; d++) {
                status[d] = BSY;
            }
            transfer = Transfer.NONE;
        } else if (wasReset) {
            softReset();
            control = value;
        }
        updateIrq();
    }

    private void softReset() {
        transfer = Transfer.NONE;
        selected = 0;
        device = 0;
        features = 0;
        for (int d = 0; d < 2; d++) {
            error[d] = 0x01;
            status[d] =
                    drives[d] != null && drives[d].kind() == IdeDrive.Kind.HARD_DISK
                            ? DRDY | DSC
                            : 0;
        }
        signature(drives[0]);
        control &= ~CONTROL_HOB;
    }

    private void signature(IdeDrive drive) {
        sectorCount = 1;
        lbaLow = 1;
        boolean cd = drive != null && drive.kind() == IdeDrive.Kind.CDROM;
        lbaMid = cd ? 0x14 : 0;
        lbaHigh = cd ? 0xEB : 0;
    }

    private void raiseInterrupt() {
        interruptPending = true;
        updateIrq();
    }

    private void updateIrq() {
        irq.set(interruptPending && (control & CONTROL_NIEN) == 0);
    }

    // ---- data port ----

    private int readData(int size) {
        if (size == 4) {
            return readWord() | readWord() << 16;
        }
        return readWord();
    }

    private int readWord() {
        if (transfer != Transfer.PIO_IN && transfer != Transfer.PACKET_IN) {
            return 0xFFFF;
        }
        int word = (buffer[position] & 0xFF) | (buffer[position + 1] & 0xFF) << 8;
        position += 2;
        if (position >= end) {
            if (transfer == Transfer.PIO_IN) {
                if (remainingSectors > 0) {
                    loadReadBlock();
                } else {
                    transfer = Transfer.NONE;
                    status[selected] = DRDY | DSC;
                }
            } else {
                nextPacketChunk();
            }
        }
        return word;
    }

    private void writeData(int size, int value) {
        writeWord(value & 0xFFFF);
        if (size == 4) {
            writeWord(value >>> 16);
        }
    }

    private void writeWord(int word) {
        if (transfer != Transfer.PIO_OUT && transfer != Transfer.PACKET_COMMAND) {
            return;
        }
        buffer[position] = (byte) word;
        buffer[position + 1] = (byte) (word >> 8);
        position += 2;
        if (position < end) {
            return;
        }
        if (transfer == Transfer.PACKET_COMMAND) {
            transfer = Transfer.NONE;
            packetCommand(Arrays.copyOf(buffer, 12));
        } else {
            storeWriteBlock();
        }
    }

    // ---- ATA commands ----

    private void command(int command) {
        IdeDrive drive = drives[selected];
        if (command == 0x90) {
            diagnostic();
            return;
        }
        if (drive == null || (status[selected] & BSY) != 0) {
            return;
        }
        transfer = Transfer.NONE;
        error[selected] = 0;
        boolean cd = drive.kind() == IdeDrive.Kind.CDROM;
        if (cd) {
            switch (command) {
                case 0xA1 -> identify(drive, true);
                case 0xA0 -> packet();
                case 0x08 -> {
                    signature(drive);
                    error[selected] = 0x01;
                    status[selected] = 0;
                }
                case 0xEF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE6, 0xE7 -> done();
                default -> {
                    // IDENTIFY DEVICE and the other ATA commands: abort and show the ATAPI
                    // signature, which is how drivers tell a packet device apart.
                    signature(drive);
                    abort(ABRT);
                }
            }
            return;
        }
        switch (command) {
            case 0xEC -> identify(drive, false);
            case 0x20, 0x21 -> startRead(false, 1);
            case 0x24 -> startRead(true, 1);
            case 0xC4 -> startRead(false, multiple[selected]);
            case 0x29 -> startRead(true, multiple[selected]);
            case 0x30, 0x31 -> startWrite(false, 1);
            case 0x34 -> startWrite(true, 1);
            case 0xC5 -> startWrite(false, multiple[selected]);
            case 0x39 -> startWrite(true, multiple[selected]);
            case 0x40, 0x41 -> verify(false);
            case 0x42 -> verify(true);
            case 0xC6 -> setMultiple();
            case 0xE7, 0xEA -> flush();
            case 0x91 -> {
                // INITIALIZE DEVICE PARAMETERS: the CHS translation for later commands.
                heads[selected] = (device & 0x0F) + 1;
                sectorsPerTrack[selected] = sectorCount;
                if (sectorCount == 0) {
                    abort(ABRT);
                } else {
                    done();
                }
            }
            case 0xEF -> setFeatures();
            case 0x70 -> {
                long[] range = addressAndCount(false);
                if (range != null && range[0] < drive.sectors()) {
                    done();
                } else {
                    abort(IDNF);
                }
            }
            case 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17 -> done();
            case 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> done();
            case 0xE0, 0xE1, 0xE2, 0xE3, 0xE6 -> done();
            case 0xE5 -> {
                sectorCount = 0xFF;
                done();
            }
            default -> abort(ABRT);
        }
    }

    private void diagnostic() {
        transfer = Transfer.NONE;
        for (int d = 0; d < 2; d++) {
            error[d] = 0x01;
            status[d] =
                    drives[d] != null && drives[d].kind() == IdeDrive.Kind.HARD_DISK
                            ? DRDY | DSC
                            : 0;
        }
        selected = 0;
        device = 0;
        signature(drives[0]);
        if (drives[0] != null) {
            raiseInterrupt();
        }
    }

    private void done() {
        status[selected] = DRDY | DSC;
        raiseInterrupt();
    }

    private void abort(int errorBits) {
        transfer = Transfer.NONE;
        error[selected] = errorBits;
        status[selected] = DRDY | DSC | ERR;
        raiseInterrupt();
    }

    private void setMultiple() {
        int count = sectorCount;
        if (count > MAX_MULTIPLE || Integer.bitCount(count) > 1) {
            abort(ABRT);
            return;
        }
        multiple[selected] = count;
        done();
    }

    private void setFeatures() {
        switch (features) {
            // Write cache on/off, transfer mode, read look-ahead, reverting to defaults: the
            // emulated drive behaves the same either way.
            case 0x02, 0x03, 0x55, 0x66, 0x82, 0xAA, 0xCC -> done();
            default -> abort(ABRT);
        }
    }

    private void flush() {
        try {
            drives[selected].medium().flush();
            done();
        } catch (IOException e) {
            abort(ABRT);
        }
    }

    /**
     * The starting sector and count the task file names, or null for an invalid CHS address. Counts
     * of 0 mean 256 (28-bit) or 65536 (48-bit).
     */
    private long[] addressAndCount(boolean lba48) {
        if (lba48) {
            long lba =
                    (long) hobLbaHigh << 40
                            | (long) hobLbaMid << 32
                            | (long) hobLbaLow << 24
                            | (long) lbaHigh << 16
                            | (long) lbaMid << 8
                            | lbaLow;
            int count = hobSectorCount << 8 | sectorCount;
            return new long[] {lba, count == 0 ? 65536 : count};
        }
        int count = sectorCount == 0 ? 256 : sectorCount;
        if ((device & DEVICE_LBA) != 0) {
            long lba = (long) (device & 0x0F) << 24 | lbaHigh << 16 | lbaMid << 8 | lbaLow;
            return new long[] {lba, count};
        }
        int cylinder = lbaHigh << 8 | lbaMid;
        int head = device & 0x0F;
        if (lbaLow == 0 || lbaLow > sectorsPerTrack[selected] || head >= heads[selected]) {
            return null;
        }
        long lba =
                ((long) cylinder * heads[selected] + head) * sectorsPerTrack[selected] + lbaLow - 1;
        return new long[] {lba, count};
    }

    private long[] checkedRange(boolean lba48) {
        long[] range = addressAndCount(lba48);
        if (range == null || range[0] + range[1] > drives[selected].sectors()) {
            abort(IDNF | ABRT);
            return null;
        }
        return range;
    }

    private void verify(boolean lba48) {
        if (checkedRange(lba48) != null) {
            done();
        }
    }

    private void startRead(boolean lba48, int block) {
        if (block == 0) {
            abort(ABRT);
            return;
        }
        if (beginTransfer(lba48, block)) {
            loadReadBlock();
        }
    }

    /** Takes the command's sector range (aborting the command when it is invalid). */
    private boolean beginTransfer(boolean lba48, int block) {
        long[] range = checkedRange(lba48);
        if (range == null) {
            return false;
        }
        nextSector = range[0];
        remainingSectors = range[1];
        blockSectors = block;
        return true;
    }

    private void loadReadBlock() {
        int n = (int) Math.min(blockSectors, remainingSectors);
        byte[] data = new byte[n * 512];
        try {
            drives[selected].medium().readSectors(nextSector, data, 0, n);
        } catch (IOException e) {
            abort(UNC | ABRT);
            return;
        }
        nextSector += n;
        remainingSectors -= n;
        buffer = data;
        position = 0;
        end = data.length;
        transfer = Transfer.PIO_IN;
        status[selected] = DRDY | DSC | DRQ;
        raiseInterrupt();
    }

    private void startWrite(boolean lba48, int block) {
        if (block == 0 || drives[selected].medium().readOnly()) {
            abort(ABRT);
            return;
        }
        if (beginTransfer(lba48, block)) {
            // The first block of a PIO data-out command is requested without an interrupt.
            prepareWriteBlock();
        }
    }

    private void prepareWriteBlock() {
        int n = (int) Math.min(blockSectors, remainingSectors);
        buffer = new byte[n * 512];
        position = 0;
        end = buffer.length;
        transfer = Transfer.PIO_OUT;
        status[selected] = DRDY | DSC | DRQ;
    }

    private void storeWriteBlock() {
        int n = end / 512;
        try {
            drives[selected].medium().writeSectors(nextSector, buffer, 0, n);
        } catch (IOException e) {
            abort(ABRT);
            return;
        }
        nextSector += n;
        remainingSectors -= n;
        if (remainingSectors > 0) {
            prepareWriteBlock();
        } else {
            transfer = Transfer.NONE;
            status[selected] = DRDY | DSC;
        }
        raiseInterrupt();
    }

    private void identify(IdeDrive drive, boolean packetDevice) {
        int[] w = new int[256];
        long sectors = drive.sectors();
        text(w, 10, 20, drive.serial());
        text(w, 23, 8, "1.0");
        if (packetDevice) {
            // ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets.
            w[0] = 0x85C0;
            text(w, 27, 40, "ATRIUM CD-ROM");
            w[49] = 0x0200;
            w[53] = 0x0002;
            w[64] = 0x0003;
            w[65] = w[66] = w[67] = w[68] = 120;
            w[80] = 0x007E;
        } else {
            int cylinders = drive.cylinders();
            w[0] = 0x0040;
            w[1] = cylinders;
            w[3] = IdeDrive.HEADS;
            w[6] = IdeDrive.SECTORS_PER_TRACK;
            text(w, 27, 40, "ATRIUM HARDDISK");
            w[47] = 0x8000 | MAX_MULTIPLE;
            w[49] = 0x0200; // LBA; no DMA yet
            w[50] = 0x4000;
            w[51] = 0x0200;
            w[53] = 0x0003;
            w[54] = cylinders;
            w[55] = heads[selected];
            w[56] = sectorsPerTrack[selected];
            long chs = (long) cylinders * heads[selected] * sectorsPerTrack[selected];
            w[57] = (int) (chs & 0xFFFF);
            w[58] = (int) (chs >>> 16 & 0xFFFF);
            w[59] = multiple[selected] == 0 ? 0 : 0x0100 | multiple[selected];
            long lba28 = Math.min(sectors, 0x0FFFFFFF);
            w[60] = (int) (lba28 & 0xFFFF);
            w[61] = (int) (lba28 >>> 16);
            w[64] = 0x0003;
            w[65] = w[66] = w[67] = w[68] = 120;
            w[80] = 0x007E;
            // Supported and enabled: 48-bit addressing, FLUSH CACHE, FLUSH CACHE EXT.
            w[83] = 0x4000 | 1 << 10 | 1 << 12 | 1 << 13;
            w[84] = 0x4000;
            w[86] = 1 << 10 | 1 << 12 | 1 << 13;
            w[87] = 0x4000;
            w[100] = (int) (sectors & 0xFFFF);
            w[101] = (int) (sectors >>> 16 & 0xFFFF);
            w[102] = (int) (sectors >>> 32 & 0xFFFF);
            w[103] = (int) (sectors >>> 48 & 0xFFFF);
        }
        byte[] data = new byte[512];
        for (int i = 0; i < 256; i++) {
            data[2 * i] = (byte) w[i];
            data[2 * i + 1] = (byte) (w[i] >> 8);
        }
        buffer = data;
        position = 0;
        end = 512;
        remainingSectors = 0;
        transfer = Transfer.PIO_IN;
        status[selected] = DRDY | DSC | DRQ;
        raiseInterrupt();
    }

    /** An ATA string: space padded, two characters per word, the first in the high byte. */
    private static void text(int[] words, int first, int length, String value) {
        byte[] chars = Arrays.copyOf(value.getBytes(StandardCharsets.US_ASCII), length);
        for (int i = 0; i < length; i++) {
            if (chars[i] == 0) {
                chars[i] = ' ';
            }
        }
        for (int i = 0; i < length / 2; i++) {
            words[first + i] = (chars[2 * i] & 0xFF) << 8 | (chars[2 * i + 1] & 0xFF);
        }
    }

    // ---- ATAPI ----

    private void packet() {
        if ((features & 0x01) != 0) {
            // DMA transfers wait for the bus-master engine.
            abort(ABRT);
            return;
        }
        byteLimit = (lbaHigh << 8 | lbaMid) & 0xFFFE;
        if (byteLimit == 0) {
            byteLimit = 0xFFFE;
        }
        buffer = new byte[12];
        position = 0;
        end = 12;
        transfer = Transfer.PACKET_COMMAND;
        sectorCount = 0x01; // CoD: the device wants the command packet
        status[selected] = DRDY | DRQ;
    }

    private void packetCommand(byte[] cdb) {
        IdeDrive drive = drives[selected];
        int opcode = cdb[0] & 0xFF;
        boolean needsMedium =
                switch (opcode) {
                    case 0x00, 0x25, 0x28, 0xA8, 0x43, 0x2B -> true;
                    default -> false;
                };
        if (needsMedium && drive.medium() == null) {
            checkCondition(SENSE_NOT_READY, 0x3A);
            return;
        }
        long cdSectors = drive.medium() == null ? 0 : drive.medium().size() / CD_SECTOR;
        switch (opcode) {
            case 0x00, 0x1B, 0x1E, 0x2B -> sendPacketData(new byte[0]);
            case 0x03 -> {
                byte[] sense = new byte[18];
                sense[0] = 0x70;
                sense[2] = (byte) senseKey[selected];
                sense[7] = 10;
                sense[12] = (byte) senseCode[selected];
                senseKey[selected] = 0;
                senseCode[selected] = 0;
                sendPacketData(clip(sense, cdb[4] & 0xFF));
            }
            case 0x12 -> {
                byte[] inquiry = new byte[36];
                inquiry[0] = 0x05; // CD/DVD device
                inquiry[1] = (byte) 0x80; // removable
                inquiry[2] = 0x00;
                inquiry[3] = 0x21;
                inquiry[4] = 31;
                put(inquiry, 8, "ATRIUM  ");
                put(inquiry, 16, "CD-ROM          ");
                put(inquiry, 32, "1.0 ");
                sendPacketData(clip(inquiry, (cdb[3] & 0xFF) << 8 | cdb[4] & 0xFF));
            }
            case 0x1A, 0x5A -> modeSense(cdb, opcode == 0x5A, drive.medium() != null);
            case 0x25 -> {
                byte[] capacity = new byte[8];
                putInt(capacity, 0, (int) (cdSectors - 1));
                putInt(capacity, 4, CD_SECTOR);
                sendPacketData(capacity);
            }
            case 0x28, 0xA8 -> {
                long lba = getInt(cdb, 2) & 0xFFFFFFFFL;
                long count =
                        opcode == 0x28
                                ? (cdb[7] & 0xFF) << 8 | cdb[8] & 0xFF
                                : getInt(cdb, 6) & 0xFFFFFFFFL;
                if (lba + count > cdSectors) {
                    checkCondition(SENSE_ILLEGAL_REQUEST, 0x21);
                    return;
                }
                cdNextSector = lba;
                cdRemaining = count;
                buffer = new byte[0];
                position = 0;
                end = 0;
                nextPacketChunk();
            }
            case 0x43 -> readToc(cdb, cdSectors);
            default -> checkCondition(SENSE_ILLEGAL_REQUEST, 0x20);
        }
    }

    private void modeSense(byte[] cdb, boolean ten, boolean medium) {
        int page = cdb[2] & 0x3F;
        byte[] recovery = {0x01, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] capabilities = new byte[28];
        capabilities[0] = 0x2A;
        capabilities[1] = 0x1A;
        capabilities[4] = 0x71; // audio play, composite, digital ports, multi-session
        capabilities[6] = 0x29; // lock, eject, tray loading mechanism
        putShort(capabilities, 8, 706); // maximum speed, KB/s (4x)
        putShort(capabilities, 10, 2);
        putShort(capabilities, 12, 512);
        putShort(capabilities, 14, 706);
        byte[] pages =
                switch (page) {
                    case 0x01 -> recovery;
                    case 0x2A -> capabilities;
                    case 0x3F -> concat(recovery, capabilities);
                    default -> null;
                };
        if (pages == null) {
            checkCondition(SENSE_ILLEGAL_REQUEST, 0x24);
            return;
        }
        int headerLength = ten ? 8 : 4;
        byte[] reply = new byte[headerLength + pages.length];
        System.arraycopy(pages, 0, reply, headerLength, pages.length);
        int mediumType = medium ? 0x01 : 0x70;
        int allocation;
        if (ten) {
            putShort(reply, 0, reply.length - 2);
            reply[2] = (byte) mediumType;
            allocation = (cdb[7] & 0xFF) << 8 | cdb[8] & 0xFF;
        } else {
            reply[0] = (byte) (reply.length - 1);
            reply[1] = (byte) mediumType;
            allocation = cdb[4] & 0xFF;
        }
        sendPacketData(clip(reply, allocation));
    }

    private void readToc(byte[] cdb, long cdSectors) {
        boolean msf = (cdb[1] & 0x02) != 0;
        int format = cdb[2] & 0x0F;
        if (format == 0 && (cdb[9] & 0xC0) != 0) {
            format = (cdb[9] & 0xFF) >> 6;
        }
        int allocation = (cdb[7] & 0xFF) << 8 | cdb[8] & 0xFF;
        byte[] reply;
        if (format == 0) {
            // One data track and the lead-out.
            reply = new byte[4 + 8 + 8];
            reply[2] = 1;
            reply[3] = 1;
            reply[5] = 0x14;
            reply[6] = 1;
            address(reply, 8, 0, msf);
            reply[13] = 0x14;
            reply[14] = (byte) 0xAA;
            address(reply, 16, cdSectors, msf);
        } else if (format == 1) {
            // Multi-session information: one session starting at track 1.
            reply = new byte[12];
            reply[2] = 1;
            reply[3] = 1;
            reply[5] = 0x14;
            reply[6] = 1;
            address(reply, 8, 0, msf);
        } else {
            checkCondition(SENSE_ILLEGAL_REQUEST, 0x24);
            return;
        }
        putShort(reply, 0, reply.length - 2);
        sendPacketData(clip(reply, allocation));
    }

    private static void address(byte[] reply, int at, long lba, boolean msf) {
        if (msf) {
            long frames = lba + 150;
            reply[at + 1] = (byte) (frames / (75 * 60));
            reply[at + 2] = (byte) (frames / 75 % 60);
            reply[at + 3] = (byte) (frames % 75);
        } else {
            putInt(reply, at, (int) lba);
        }
    }

    private void sendPacketData(byte[] data) {
        cdRemaining = 0;
        buffer = data;
        position = 0;
        end = 0;
        nextPacketChunk();
    }

    /** Offers the next piece of a packet command's data, or ends the command. */
    private void nextPacketChunk() {
        if (position >= buffer.length && cdRemaining > 0) {
            int n = (int) Math.max(1, Math.min(byteLimit / CD_SECTOR, cdRemaining));
            n = Math.min(n, 32);
            byte[] data = new byte[n * CD_SECTOR];
            try {
                drives[selected].medium().read(cdNextSector * CD_SECTOR, data, 0, data.length);
            } catch (IOException e) {
                checkCondition(3, 0x11);
                return;
            }
            cdNextSector += n;
            cdRemaining -= n;
            buffer = data;
            position = 0;
        }
        if (position >= buffer.length) {
            transfer = Transfer.NONE;
            sectorCount = 0x03; // I/O and CoD: status phase
            status[selected] = DRDY | DSC;
            raiseInterrupt();
            return;
        }
        int n = Math.min(byteLimit, buffer.length - position);
        end = position + n;
        lbaMid = n & 0xFF;
        lbaHigh = n >> 8;
        sectorCount = 0x02; // I/O: data to the host
        transfer = Transfer.PACKET_IN;
        status[selected] = DRDY | DSC | DRQ;
        raiseInterrupt();
    }

    private void checkCondition(int key, int code) {
        senseKey[selected] = key;
        senseCode[selected] = code;
        transfer = Transfer.NONE;
        error[selected] = key << 4 | ABRT;
        sectorCount = 0x03;
        status[selected] = DRDY | DSC | ERR;
        raiseInterrupt();
    }

    private static byte[] clip(byte[] data, int allocation) {
        return data.length <= allocation ? data : Arrays.copyOf(data, allocation);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void put(byte[] target, int at, String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, target, at, bytes.length);
    }

    private static void putShort(byte[] target, int at, int value) {
        target[at] = (byte) (value >> 8);
        target[at + 1] = (byte) value;
    }

    private static void putInt(byte[] target, int at, int value) {
        putShort(target, at, value >> 16);
        putShort(target, at + 2, value);
    }

    private static int getInt(byte[] source, int at) {
        return (source[at] & 0xFF) << 24
                | (source[at + 1] & 0xFF) << 16
                | (source[at + 2] & 0xFF) << 8
                | source[at + 3] & 0xFF;
    }
}

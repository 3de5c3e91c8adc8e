package org.atrium.emulator.device.virtio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.device.pci.PciBar;
import org.atrium.emulator.device.pci.PciFunction;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * A virtio input device that reports an absolute pointer, like QEMU's virtio-tablet: virtio 1.2
 * section 5.8 (virtio-input: event queue 0, status queue 1, the select/subsel configuration window
 * with name, ids, event bits and axis ranges) over the modern virtio-pci transport of section 4.1
 * (PCI 1AF4:1052, vendor capabilities pointing into one 16 KiB memory BAR: common configuration at
 * 0x0000, ISR status at 0x1000, device configuration at 0x2000, notifications at 0x3000), with INTx
 * signalling. It reports EV_ABS ABS_X/ABS_Y in 0..32767, EV_KEY BTN_LEFT/RIGHT/MIDDLE, EV_REL
 * REL_WHEEL, each batch closed by EV_SYN SYN_REPORT.
 *
 * <p>Events wait in a bounded queue while the driver has no buffers posted; a batch that does not
 * fit is dropped, and the next one carries the buttons as they are. A driver that breaks the ring
 * protocol gets DEVICE_NEEDS_RESET and the device stops touching guest memory until reset.
 *
 * <p>Left out: MSI-X (configuration and queue vectors read as NO_VECTOR), the PCI configuration
 * access capability, legacy (0.9.5) register layout, feature bits other than VERSION_1, and the
 * status queue's LED events (buffers are returned unread).
 */
public final class VirtioTablet implements Snapshottable<VirtioTabletState> {
    /** Number of virtqueues: events and status. */
    public static final int QUEUES = 2;

    /** Largest axis value; the host scales display pixels into 0..{@code AXIS_MAX}. */
    public static final int AXIS_MAX = 0x7FFF;

    /** Size of the memory BAR holding all four register regions. */
    public static final int BAR_SIZE = 0x4000;

    static final int MAX_PENDING = 256;

    // Device status bits (section 2.1).
    static final int ACKNOWLEDGE = 1;
    static final int DRIVER = 2;
    static final int DRIVER_OK = 4;
    static final int FEATURES_OK = 8;
    static final int NEEDS_RESET = 0x40;
    static final long VERSION_1 = 1L << 32;

    // Regions of the BAR and the notification stride.
    static final int COMMON = 0x0000;
    static final int ISR = 0x1000;
    static final int DEVICE = 0x2000;
    static final int NOTIFY = 0x3000;
    static final int NOTIFY_MULTIPLIER = 4;
    private static final int COMMON_LENGTH = 0x38;
    private static final int DEVICE_LENGTH = 0x88;

    // Input event types and codes (linux/input-event-codes.h).
    static final int EV_SYN = 0;
    static final int EV_KEY = 1;
    static final int EV_REL = 2;
    static final int EV_ABS = 3;
    static final int BTN_LEFT = 0x110;
    static final int BTN_RIGHT = 0x111;
    static final int BTN_MIDDLE = 0x112;
    static final int REL_WHEEL = 8;
    static final int ABS_X = 0;
    static final int ABS_Y = 1;

    // virtio-input configuration selectors (section 5.8.4).
    private static final int CFG_ID_NAME = 0x01;
    private static final int CFG_ID_DEVIDS = 0x03;
    private static final int CFG_EV_BITS = 0x11;
    private static final int CFG_ABS_INFO = 0x12;
    private static final String NAME = "Atrium Virtio Tablet";

    // RFB button mask bits: left, middle, right, wheel up, wheel down.
    private static final int[][] BUTTONS = {{1, BTN_LEFT}, {2, BTN_MIDDLE}, {4, BTN_RIGHT}};

    private final PciFunction function;
    private final BusDevice registers = new Registers();
    private final InterruptLine line;
    private final Virtqueue[] queues = new Virtqueue[QUEUES];
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private long driverFeatures;
    private int status;
    private int isr;
    private int queueSelect;
    private int configSelect;
    private int configSubselect;
    private int x = -1;
    private int y = -1;
    private int buttons;

    /**
     * @param memory the bus-master view of the address space
     * @param ramBytes bytes of RAM from address 0; rings and buffers must lie inside
     * @param line the function's INTA# wire, as the board routes it
     */
    public VirtioTablet(PhysicalMemory memory, long ramBytes, InterruptLine line) {
        this.line = line;
        GuestRam ram = new GuestRam(memory, ramBytes);
        for (int i = 0; i < QUEUES; i++) {
            queues[i] = new Virtqueue(ram);
        }
        // Class 09/80 (other input controller), revision 1 as modern-only devices have.
        function =
                new PciFunction(0x1AF4, 0x1052, 0x01, 0x098000, 0x00)
                        .subsystem(0x1AF4, 0x1100)
                        .interruptPin(1)
                        .bar(0, PciBar.memory(BAR_SIZE, false, registers))
                        .onWrite((offset, size) -> updateLine());
        // Status: capabilities list; the list starts at 0x40 (section 4.1.4).
        function.initial(0x06, 0x10).initial(0x34, 0x40);
        capability(0x40, 0x50, 1, COMMON, COMMON_LENGTH, 16);
        capability(0x50, 0x60, 3, ISR, 1, 16);
        capability(0x60, 0x70, 4, DEVICE, DEVICE_LENGTH, 16);
        capability(0x70, 0x00, 2, NOTIFY, QUEUES * NOTIFY_MULTIPLIER, 20);
        function.initial(0x70 + 16, NOTIFY_MULTIPLIER);
    }

    /** Writes one virtio_pci_cap (section 4.1.4): vendor id 9, next, length, type, BAR 0, range. */
    private void capability(int at, int next, int type, int offset, int length, int capLength) {
        int[] bytes = {0x09, next, capLength, type, 0};
        for (int i = 0; i < bytes.length; i++) {
            function.initial(at + i, bytes[i]);
        }
        for (int i = 0; i < 4; i++) {
            function.initial(at + 8 + i, offset >>> (8 * i));
            function.initial(at + 12 + i, length >>> (8 * i));
        }
    }

    public PciFunction function() {
        return function;
    }

    /** The memory BAR's registers, from its base. */
    BusDevice registers() {
        return registers;
    }

    /** Whether the guest's driver runs the device, so pointer events reach it. */
    public boolean driverReady() {
        return (status & (DRIVER_OK | NEEDS_RESET)) == DRIVER_OK && queues[0].enabled();
    }

    /**
     * Reports the pointer at {@code (absX, absY)} in 0..{@link #AXIS_MAX} with {@code buttons} as
     * an RFB button mask (bit 0 left, 1 middle, 2 right, 3 wheel up, 4 wheel down). Only changes
     * are sent; nothing is queued while the driver is not ready.
     */
    public void pointer(int absX, int absY, int buttons) {
        if (!driverReady()) {
            return;
        }
        absX = Math.clamp(absX, 0, AXIS_MAX);
        absY = Math.clamp(absY, 0, AXIS_MAX);
        List<Long> batch = new ArrayList<>();
        if (absX != x) {
            batch.add(event(EV_ABS, ABS_X, absX));
        }
        if (absY != y) {
            batch.add(event(EV_ABS, ABS_Y, absY));
        }
        for (int[] b : BUTTONS) {
            if (((buttons ^ this.buttons) & b[0]) != 0) {
                batch.add(event(EV_KEY, b[1], (buttons & b[0]) != 0 ? 1 : 0));
            }
        }
        // Wheel bits are pressed and released per notch: a press is one notch.
        if ((buttons & ~this.buttons & 8) != 0) {
            batch.add(event(EV_REL, REL_WHEEL, 1));
        }
        if ((buttons & ~this.buttons & 16) != 0) {
            batch.add(event(EV_REL, REL_WHEEL, -1));
        }
        if (batch.isEmpty() && (buttons & 24) == (this.buttons & 24)) {
            return;
        }
        if (!batch.isEmpty()) {
            if (pending.size() + batch.size() + 1 > MAX_PENDING) {
                // The driver is not taking events: drop this batch, report its changes later.
                return;
            }
            pending.addAll(batch);
            pending.add(event(EV_SYN, 0, 0));
        }
        x = absX;
        y = absY;
        this.buttons = buttons;
        deliver();
    }

    static long event(int type, int code, int value) {
        return ((long) type << 48) | ((long) code << 32) | (value & 0xFFFF_FFFFL);
    }

    /** Device reset (status 0, or PCI RST#): queues, features and interrupt cleared. */
    public void reset() {
        function.reset();
        resetDevice();
    }

    private void resetDevice() {
        for (Virtqueue q : queues) {
            q.reset();
        }
        pending.clear();
        deviceFeatureSelect = 0;
        driverFeatureSelect = 0;
        driverFeatures = 0;
        status = 0;
        isr = 0;
        queueSelect = 0;
        configSelect = 0;
        configSubselect = 0;
        x = -1;
        y = -1;
        buttons = 0;
        updateLine();
    }

    private boolean busMaster() {
        return (function.config8(0x04) & 0x04) != 0;
    }

    /** Moves waiting events into posted buffers and returns the status queue's buffers. */
    private void deliver() {
        if (!driverReady() || !busMaster()) {
            return;
        }
        try {
            boolean used = false;
            Virtqueue events = queues[0];
            byte[] bytes = new byte[8];
            while (!pending.isEmpty() && events.available() > 0) {
                long e = pending.removeFirst();
                int type = (int) (e >>> 48) & 0xFFFF;
                int code = (int) (e >>> 32) & 0xFFFF;
                int value = (int) e;
                // struct virtio_input_event: le16 type, le16 code, le32 value.
                bytes[0] = (byte) type;
                bytes[1] = (byte) (type >> 8);
                bytes[2] = (byte) code;
                bytes[3] = (byte) (code >> 8);
                for (int i = 0; i < 4; i++) {
                    bytes[4 + i] = (byte) (value >>> (8 * i));
                }
                events.fill(bytes);
                used = true;
            }
            boolean notify = used && events.wantsInterrupt();
            Virtqueue statusQueue = queues[1];
            boolean statusUsed = false;
            while (statusQueue.available() > 0) {
                statusQueue.fill(new byte[0]);
                statusUsed = true;
            }
            notify |= statusUsed && statusQueue.wantsInterrupt();
            if (notify) {
                isr |= 1;
                updateLine();
            }
        } catch (RingException e) {
            fail();
        }
    }

    /** The driver broke the protocol: DEVICE_NEEDS_RESET, and a configuration interrupt. */
    private void fail() {
        status |= NEEDS_RESET;
        pending.clear();
        isr |= 2;
        updateLine();
    }

    private void updateLine() {
        boolean intxDisabled = (function.config8(0x05) & 0x04) != 0;
        line.set(isr != 0 && !intxDisabled);
    }

    private void writeStatus(int value) {
        if (value == 0) {
            resetDevice();
            return;
        }
        int added = value & ~status;
        status = (status & NEEDS_RESET) | (value & 0xBF);
        // Features are accepted only if VERSION_1 is among them and nothing else is.
        if ((added & FEATURES_OK) != 0 && driverFeatures != VERSION_1) {
            status &= ~FEATURES_OK;
        }
        if ((added & DRIVER_OK) != 0) {
            deliver();
        }
    }

    private long deviceFeatures() {
        return switch (deviceFeatureSelect) {
            case 1 -> VERSION_1 >>> 32;
            default -> 0;
        };
    }

    private Virtqueue selected() {
        return queueSelect < QUEUES ? queues[queueSelect] : null;
    }

    /** A common configuration register (section 4.1.4.3), read as a whole field. */
    private long commonField(int offset) {
        Virtqueue q = selected();
        return switch (offset) {
            case 0x00 -> deviceFeatureSelect;
            case 0x04 -> deviceFeatures();
            case 0x08 -> driverFeatureSelect;
            case 0x0C ->
                    driverFeatureSelect == 0
                            ? driverFeatures & 0xFFFF_FFFFL
                            : driverFeatureSelect == 1 ? driverFeatures >>> 32 : 0;
            case 0x10, 0x1A -> 0xFFFF; // VIRTIO_MSI_NO_VECTOR
            case 0x12 -> QUEUES;
            case 0x14 -> status;
            case 0x15 -> 0; // configuration generation: the configuration never changes
            case 0x16 -> queueSelect;
            case 0x18 -> q == null ? 0 : q.size();
            case 0x1C -> q != null && q.enabled() ? 1 : 0;
            case 0x1E -> q == null ? 0 : queueSelect;
            case 0x20 -> q == null ? 0 : q.descriptorTable();
            case 0x28 -> q == null ? 0 : q.driverArea();
            case 0x30 -> q == null ? 0 : q.deviceArea();
            default -> 0;
        };
    }

    private static int fieldStart(int offset) {
        if (offset >= 0x20) {
            return offset & ~7;
        }
        if (offset < 0x10) {
            return offset & ~3;
        }
        return offset == 0x15 ? 0x15 : offset & ~1;
    }

    private static int fieldWidth(int start) {
        if (start >= 0x20) {
            return 8;
        }
        if (start < 0x10) {
            return 4;
        }
        return start == 0x14 || start == 0x15 ? 1 : 2;
    }

    private int readCommon(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            int start = fieldStart(at);
            int b =
                    at < COMMON_LENGTH
                            ? (int) (commonField(start) >>> (8 * (at - start))) & 0xFF
                            : 0;
            value |= b << (8 * i);
        }
        return value;
    }

    private void writeCommon(int offset, int size, int value) {
        int start = fieldStart(offset);
        if (offset + size > start + fieldWidth(start)) {
            // An access across two registers: one byte at a time.
            for (int i = 0; i < size; i++) {
                writeCommon(offset + i, 1, value >>> (8 * i));
            }
            return;
        }
        int shift = 8 * (offset - start);
        long mask = (size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1) << shift;
        long merged = (commonField(start) & ~mask) | (((long) value << shift) & mask);
        Virtqueue q = selected();
        switch (start) {
            case 0x00 -> deviceFeatureSelect = (int) merged;
            case 0x08 -> driverFeatureSelect = (int) merged;
            case 0x0C -> {
                if (driverFeatureSelect == 0) {
                    driverFeatures = (driverFeatures & ~0xFFFF_FFFFL) | (merged & 0xFFFF_FFFFL);
                } else if (driverFeatureSelect == 1) {
                    driverFeatures = (driverFeatures & 0xFFFF_FFFFL) | (merged << 32);
                }
            }
            case 0x14 -> writeStatus((int) merged & 0xFF);
            case 0x16 -> queueSelect = (int) merged & 0xFFFF;
            case 0x18 -> {
                if (q != null) {
                    q.size((int) merged);
                }
            }
            case 0x1C -> {
                if (q != null && (merged & 1) != 0 && !q.enabled()) {
                    try {
                        q.enable();
                    } catch (RingException e) {
                        fail();
                    }
                }
            }
            case 0x20 -> {
                if (q != null) {
                    q.descriptorTable(merged);
                }
            }
            case 0x28 -> {
                if (q != null) {
                    q.driverArea(merged);
                }
            }
            case 0x30 -> {
                if (q != null) {
                    q.deviceArea(merged);
                }
            }
            default -> {
                // Read-only registers and the MSI-X vectors ignore writes.
            }
        }
    }

    /** The virtio-input configuration union for the current select/subsel (section 5.8.4). */
    private byte[] configPayload() {
        byte[] data = new byte[0];
        switch (configSelect) {
            case CFG_ID_NAME -> data = NAME.getBytes(StandardCharsets.US_ASCII);
            case CFG_ID_DEVIDS ->
                    // BUS_VIRTUAL, and QEMU's vendor/product for its tablet, version 1.
                    data = new byte[] {0x06, 0, 0x27, 0x06, 0x03, 0, 0x01, 0};
            case CFG_EV_BITS -> {
                if (configSubselect == EV_KEY) {
                    data = new byte[BTN_MIDDLE / 8 + 1];
                    for (int code : new int[] {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE}) {
                        data[code / 8] |= (byte) (1 << (code % 8));
                    }
                } else if (configSubselect == EV_REL) {
                    data = new byte[] {0, 1 << (REL_WHEEL - 8)};
                } else if (configSubselect == EV_ABS) {
                    data = new byte[] {(1 << ABS_X) | (1 << ABS_Y)};
                }
            }
            case CFG_ABS_INFO -> {
                if (configSubselect == ABS_X || configSubselect == ABS_Y) {
                    // struct virtio_input_absinfo: min, max, fuzz, flat, res.
                    data = new byte[20];
                    data[4] = (byte) AXIS_MAX;
                    data[5] = (byte) (AXIS_MAX >> 8);
                }
            }
            default -> {
                // Unknown or unset selectors have size 0.
            }
        }
        return data;
    }

    private int readDevice(int offset, int size) {
        byte[] payload = configPayload();
        int value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            int b =
                    switch (at) {
                        case 0 -> configSelect;
                        case 1 -> configSubselect;
                        case 2 -> payload.length;
                        default -> at >= 8 && at - 8 < payload.length ? payload[at - 8] & 0xFF : 0;
                    };
            value |= b << (8 * i);
        }
        return value;
    }

    private void writeDevice(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int b = (value >>> (8 * i)) & 0xFF;
            if (offset + i == 0) {
                configSelect = b;
            } else if (offset + i == 1) {
                configSubselect = b;
            }
        }
    }

    /** The memory BAR: four regions, each decoded from its own base. */
    private final class Registers implements BusDevice {
        @Override
        public int read(int offset, int size) {
            if (offset >= COMMON && offset < COMMON + COMMON_LENGTH) {
                return readCommon(offset - COMMON, size);
            }
            if (offset == ISR) {
                // Reading the ISR status acknowledges it and drops INTx (section 4.1.4.5).
                int value = isr;
                isr = 0;
                updateLine();
                return value;
            }
            if (offset >= DEVICE && offset < DEVICE + DEVICE_LENGTH) {
                return readDevice(offset - DEVICE, size);
            }
            return 0;
        }

        @Override
        public void write(int offset, int size, int value) {
            if (offset >= COMMON && offset < COMMON + COMMON_LENGTH) {
                writeCommon(offset - COMMON, size, value);
            } else if (offset >= DEVICE && offset < DEVICE + DEVICE_LENGTH) {
                writeDevice(offset - DEVICE, size, value);
            } else if (offset >= NOTIFY && offset < NOTIFY + QUEUES * NOTIFY_MULTIPLIER) {
                // A notification for either queue: new buffers may let waiting events out.
                deliver();
            }
        }
    }

    /**
     * Snapshots from before the tablet existed (ADR 0014) restore it reset, as a guest that never
     * probed it.
     */
    @Override
    public boolean optionalInSnapshot() {
        return true;
    }

    @Override
    public void restoreAbsent() {
        reset();
    }

    @Override
    public String id() {
        return "pci-virtio-tablet";
    }

    @Override
    public Class<VirtioTabletState> stateType() {
        return VirtioTabletState.class;
    }

    @Override
    public VirtioTabletState snapshot() {
        List<VirtqueueState> qs = new ArrayList<>();
        for (Virtqueue q : queues) {
            qs.add(q.snapshot());
        }
        long[] events = new long[pending.size()];
        int i = 0;
        for (long e : pending) {
            events[i++] = e;
        }
        return new VirtioTabletState(
                function.snapshot(),
                deviceFeatureSelect,
                driverFeatureSelect,
                driverFeatures,
                status,
                isr,
                queueSelect,
                configSelect,
                configSubselect,
                qs,
                x,
                y,
                buttons,
                events);
    }

    @Override
    public void restore(VirtioTabletState state) {
        if (state.x() < -1 || state.x() > AXIS_MAX || state.y() < -1 || state.y() > AXIS_MAX) {
            throw new IllegalArgumentException("tablet position out of range");
        }
        function.restore(state.function());
        for (int i = 0; i < QUEUES; i++) {
            queues[i].restore(state.queues().get(i));
        }
        deviceFeatureSelect = state.deviceFeatureSelect();
        driverFeatureSelect = state.driverFeatureSelect();
        driverFeatures = state.driverFeatures();
        status = state.deviceStatus();
        isr = state.interruptStatus();
        queueSelect = state.queueSelect();
        configSelect = state.configSelect();
        configSubselect = state.configSubselect();
        x = state.x();
        y = state.y();
        buttons = state.buttons() & 0x1F;
        pending.clear();
        for (long e : state.pendingEvents()) {
            pending.add(e);
        }
        updateLine();
    }
}

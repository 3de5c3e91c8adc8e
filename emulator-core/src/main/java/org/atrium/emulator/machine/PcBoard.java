package org.atrium.emulator.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.atrium.emulator.boot.AcpiTables;
import org.atrium.emulator.boot.LinearFramebuffer;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.cpu.InterruptSource;
import org.atrium.emulator.device.AbsentDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.device.acpi.AcpiPm;
import org.atrium.emulator.device.chipset.I440fx;
import org.atrium.emulator.device.chipset.Piix3;
import org.atrium.emulator.device.chipset.SpeakerTimerControl;
import org.atrium.emulator.device.chipset.SystemControlPortA;
import org.atrium.emulator.device.chipset.SystemControlPortB;
import org.atrium.emulator.device.debugcon.DebugConsole;
import org.atrium.emulator.device.ide.IdeDrive;
import org.atrium.emulator.device.ide.PiixIde;
import org.atrium.emulator.device.keyboard.ControllerLines;
import org.atrium.emulator.device.keyboard.I8042;
import org.atrium.emulator.device.keyboard.Ps2Keyboard;
import org.atrium.emulator.device.keyboard.Ps2Mouse;
import org.atrium.emulator.device.pci.PciBar;
import org.atrium.emulator.device.pci.PciBus;
import org.atrium.emulator.device.pci.PciFunction;
import org.atrium.emulator.device.pci.PciMapper;
import org.atrium.emulator.device.pci.RomImage;
import org.atrium.emulator.device.pic.CascadedPics;
import org.atrium.emulator.device.pit.I8254;
import org.atrium.emulator.device.rtc.Mc146818;
import org.atrium.emulator.device.serial.Uart16550;
import org.atrium.emulator.device.vga.StdVga;
import org.atrium.emulator.device.virtio.VirtioTablet;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;
import org.atrium.emulator.memory.MemoryMap;
import org.atrium.emulator.snapshot.Snapshottable;
import org.atrium.emulator.storage.BlockBackend;
import org.atrium.emulator.storage.ImageStore;
import org.atrium.emulator.time.VirtualClock;

/**
 * The PC board: the one place that knows where each chip sits (I/O ports, memory addresses, IRQ
 * lines) and wires chips to each other through interfaces. It follows QEMU's "pc" machine (i440FX
 * host bridge at 00:00.0, PIIX3 ISA bridge at 00:01.0, PIIX3 IDE at 00:01.1 with both channels in
 * compatibility mode, std VGA at 00:02.0, a virtio tablet at 00:03.0 on PIRQC) because that is the
 * board SeaBIOS's QEMU build expects; SeaBIOS recognises it by the host bridge's subsystem IDs.
 *
 * <p>There is no fw_cfg device: SeaBIOS then takes the RAM size from CMOS bytes 0x30/0x31 and
 * 0x34/0x35, the CPU count from 0x5F, the boot order from 0x3D/0x38, and loads the VGA option ROM
 * through the VGA's PCI ROM BAR. Everything runs on the machine's thread.
 */
final class PcBoard implements AutoCloseable {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** Video memory of the std VGA, also the size of its framebuffer BAR (QEMU's default). */
    private static final int VRAM_BYTES = 16 << 20;

    // Interrupt request lines of the PC/AT.
    private static final int IRQ_TIMER = 0;
    private static final int IRQ_KEYBOARD = 1;
    private static final int IRQ_CASCADE = 2;
    private static final int IRQ_COM1 = 4;
    private static final int IRQ_RTC = 8;
    private static final int IRQ_MOUSE = 12;
    private static final int IRQ_SCI = 9;
    private static final int IRQ_IDE_PRIMARY = 14;
    private static final int IRQ_IDE_SECONDARY = 15;

    // ACPI fixed hardware: the PM base QEMU's PIIX4 uses; the tables sit in the reserved EBDA KiB.
    private static final int ACPI_PM_PORT = 0x600;
    // Where SeaBIOS puts the std VGA's framebuffer on QEMU's "pc" board; inside the PCI hole.
    private static final long LFB_BASE = 0xFD000000L;
    private static final int PCI_COMMAND = 0x04;
    private static final int PCI_COMMAND_MEMORY = 0x02;
    private static final int PCI_BAR0 = 0x10;
    // Bochs VBE DISPI indexes and ENABLE bits (vbe_display_api).
    private static final int DISPI_XRES = 1;
    private static final int DISPI_YRES = 2;
    private static final int DISPI_BPP = 3;
    private static final int DISPI_ENABLE = 4;
    private static final int DISPI_ENABLED = 0x01;
    private static final int DISPI_LFB_ENABLED = 0x40;
    private static final int ACPI_TABLES = 0x9FC00;
    // The virtio tablet: PCI slot 3, whose INTA# the PIIX swizzle puts on PIRQC; where a firmware
    // would route it (SeaBIOS routes PIRQC to IRQ 11) and place its BAR for a direct boot.
    private static final int TABLET_SLOT = 3;
    private static final int TABLET_PIRQ = (TABLET_SLOT - 1) & 3;
    private static final int IRQ_PCI_TABLET = 11;
    private static final long TABLET_BASE = 0xFEBF0000L;
    private static final int PIIX3_PIRQRC = 0x60;
    private static final int PCI_INTERRUPT_LINE = 0x3C;

    private final MemoryMap memory;
    private final IoPortMap ports = new IoPortMap();
    private final CascadedPics pics = new CascadedPics(IRQ_CASCADE);
    private final I8254 pit;
    private final SystemControlPortB portB;
    private final SystemControlPortA portA;
    private final Mc146818 rtc;
    private final Uart16550 com1;
    private final AcpiPm acpiPm;
    private final Ps2Keyboard keyboard;
    private final Ps2Mouse mouse;
    private final I8042 keyboardController;
    private final PciBus pci;
    private final I440fx hostBridge;
    private final Piix3 isaBridge;
    private final PiixIde ide;
    private final List<BlockBackend> disks = new ArrayList<>();
    private final StdVga video;
    private final PciFunction vgaFunction;
    private final VirtioTablet tablet;
    private final PointerInput pointer;
    private final VirtualClock clock;
    private final DisplaySurface display;
    private final Map<BusDevice, MemoryMap.Window> memoryWindows = new HashMap<>();
    private final Map<BusDevice, int[]> ioWindows = new HashMap<>();
    private final long romBytes;
    private final byte[] vgaBios;
    private boolean keyboardA20 = true;
    private boolean portA20;

    PcBoard(MachineConfig config, VirtualClock time, long rtcEpochMillis, BoardEvents events)
            throws IOException {
        this(config, time, rtcEpochMillis, events, new StdVga(VRAM_BYTES, time::nanos));
    }

    PcBoard(
            MachineConfig config,
            VirtualClock time,
            long rtcEpochMillis,
            BoardEvents events,
            StdVga video)
            throws IOException {
        // Images are read before the RAM is allocated, so a bad image leaks no memory.
        this(
                config.vgaBios() == null ? null : readImage(config.vgaBios(), MIB, "VGA BIOS"),
                new MemoryMap(config.memoryMiB() * MIB, biosImage(config)),
                config.drives(),
                time,
                rtcEpochMillis,
                events,
                video);
    }

    /** A board with the standard display adapter around guest memory built elsewhere. */
    PcBoard(
            byte[] vgaBios,
            MemoryMap memory,
            List<DriveConfig> drives,
            VirtualClock time,
            long rtcEpochMillis,
            BoardEvents events)
            throws IOException {
        this(
                vgaBios,
                memory,
                drives,
                time,
                rtcEpochMillis,
                events,
                new StdVga(VRAM_BYTES, time::nanos));
    }

    /**
     * A board around guest memory built elsewhere (RAM restored from a snapshot) and a VGA BIOS
     * image ({@code null} for none), with the IDE drives {@code driveConfigs}; the board owns
     * {@code memory} from now on (and frees it if a drive's image cannot be opened).
     */
    PcBoard(
            byte[] vgaBios,
            MemoryMap memory,
            List<DriveConfig> driveConfigs,
            VirtualClock time,
            long rtcEpochMillis,
            BoardEvents events,
            StdVga video)
            throws IOException {
        this.clock = time;
        this.memory = memory;
        this.vgaBios = vgaBios == null ? null : vgaBios.clone();
        long ramBytes = memory.ram().byteSize();
        romBytes = memory.rom().length;
        IdeDrive[] drives;
        try {
            drives = openDrives(driveConfigs);
        } catch (IOException | RuntimeException e) {
            memory.close();
            throw e;
        }

        // Interrupt controllers: master 0x20, slave 0xA0, edge/level control 0x4D0.
        ports.map(0x20, 2, pics.masterPorts());
        ports.map(0xA0, 2, pics.slavePorts());
        ports.map(0x4D0, 2, pics.elcrPorts());

        pit = new I8254(time, pics.line(IRQ_TIMER));
        ports.map(0x40, 4, pit);
        portB =
                new SystemControlPortB(
                        time,
                        new SpeakerTimerControl() {
                            @Override
                            public void setGate(boolean gate) {
                                pit.setGate(2, gate);
                            }

                            @Override
                            public boolean output() {
                                return pit.output(2);
                            }
                        });
        ports.map(0x61, 1, portB);

        rtc = new Mc146818(time, pics.line(IRQ_RTC), rtcEpochMillis);
        ports.map(0x70, 2, rtc);
        initCmos(ramBytes);

        com1 = new Uart16550(pics.line(IRQ_COM1), events::serialTransmitted);
        ports.map(0x3F8, 8, com1);

        I8042[] controller = new I8042[1];
        keyboard = new Ps2Keyboard(() -> controller[0].deviceDataReady());
        mouse = new Ps2Mouse(() -> controller[0].deviceDataReady());
        keyboardController =
                new I8042(
                        keyboard,
                        mouse,
                        pics.line(IRQ_KEYBOARD),
                        pics.line(IRQ_MOUSE),
                        new ControllerLines() {
                            @Override
                            public void a20(boolean enabled) {
                                keyboardA20 = enabled;
                                updateA20();
                            }

                            @Override
                            public void reset() {
                                events.resetRequested();
                            }
                        });
        controller[0] = keyboardController;
        ports.map(0x60, 1, keyboardController.dataPort());
        ports.map(0x64, 1, keyboardController.statusPort());

        portA =
                new SystemControlPortA(
                        enabled -> {
                            portA20 = enabled;
                            updateA20();
                        },
                        events::resetRequested);
        ports.map(0x92, 1, portA);

        pci = new PciBus(new BoardPciMapper());
        hostBridge = new I440fx(memory::setShadow);
        isaBridge = new Piix3(events::resetRequested);
        pci.plug(0, 0, hostBridge.function());
        pci.plug(1, 0, isaBridge.function());

        // IDE in compatibility mode: the legacy command and control blocks, IRQ 14 and 15.
        ide =
                new PiixIde(
                        pics.line(IRQ_IDE_PRIMARY),
                        drives[0],
                        drives[1],
                        pics.line(IRQ_IDE_SECONDARY),
                        drives[2],
                        drives[3]);
        ports.map(0x1F0, 8, ide.primary().commandBlock());
        ports.map(0x3F6, 1, ide.primary().controlBlock());
        ports.map(0x170, 8, ide.secondary().commandBlock());
        ports.map(0x376, 1, ide.secondary().controlBlock());
        pci.plug(1, 1, ide.function());
        BusDevice configAddress = pci.addressPort();
        BusDevice resetControl = isaBridge.resetControl();
        // 0xCF8 is CONFIG_ADDRESS for dword accesses only; a byte at 0xCF9 is PIIX3's reset
        // control.
        ports.map(
                0xCF8,
                4,
                new BusDevice() {
                    @Override
                    public int read(int offset, int size) {
                        if (PciBus.isAddressAccess(offset, size)) {
                            return configAddress.read(offset, size);
                        }
                        return offset == 1 && size == 1 ? resetControl.read(0, 1) : 0xFF;
                    }

                    @Override
                    public void write(int offset, int size, int value) {
                        if (PciBus.isAddressAccess(offset, size)) {
                            configAddress.write(offset, size, value);
                        } else if (offset == 1 && size == 1) {
                            resetControl.write(0, 1, value);
                        }
                    }
                });
        ports.map(0xCFC, 4, pci.dataPort());

        tablet = new VirtioTablet(memory, ramBytes, pirqLine(TABLET_PIRQ));
        pci.plug(TABLET_SLOT, 0, tablet.function());

        this.video = video;
        if (video != null) {
            ports.map(0x3C0, 0x20, video.vgaPorts());
            ports.map(0x3B0, 0x10, video.monoPorts());
            ports.map(0x1CE, 2, video.dispiPorts());
            memory.window(video.legacyMemory()).place(0xA0000, 0x20000);
            PciFunction vga =
                    new PciFunction(0x1234, 0x1111, 0x02, 0x030000, 0x00)
                            .subsystem(0x1AF4, 0x1100)
                            .bar(
                                    0,
                                    PciBar.memory(
                                            video.vramSize(), true, video.linearFramebuffer()));
            if (vgaBios != null) {
                RomImage rom = new RomImage(vgaBios);
                vga.rom(rom.windowSize(), rom);
            }
            pci.plug(2, 0, vga);
            vgaFunction = vga;
            display = video.surface();
        } else {
            vgaFunction = null;
            display = new BlankDisplay();
        }

        pointer = this::pointer;

        acpiPm = new AcpiPm(time, events::powerOffRequested);
        ports.map(ACPI_PM_PORT, AcpiPm.BLOCK_SIZE, acpiPm);

        ports.map(0x402, 1, new DebugConsole(events::debugConsole));
        AbsentDevice absent = new AbsentDevice();
        ports.map(0x00, 0x10, absent); // 8237 DMA controller 1
        ports.map(0x80, 0x10, absent); // POST code and DMA page registers
        ports.map(0xC0, 0x20, absent); // 8237 DMA controller 2
        reset();
    }

    /**
     * A PCI interrupt wire PIRQ{@code pirq}, delivered wherever the PIIX3's route control register
     * sends it when the wire changes (nowhere while routing is disabled).
     */
    private InterruptLine pirqLine(int pirq) {
        return new InterruptLine() {
            private int raised = -1;

            @Override
            public void raise() {
                int irq = isaBridge.pirqRoute(pirq);
                if (irq != raised && raised >= 0) {
                    pics.line(raised).lower();
                }
                raised = irq;
                if (irq >= 0) {
                    pics.line(irq).raise();
                }
            }

            @Override
            public void lower() {
                if (raised >= 0) {
                    pics.line(raised).lower();
                    raised = -1;
                }
            }
        };
    }

    /**
     * RFB pointer events go to the virtio tablet once the guest's driver runs it (the guest cursor
     * then sits exactly under the host's), to the PS/2 mouse before that.
     */
    private void pointer(int x, int y, int buttons) {
        if (tablet.driverReady()) {
            tablet.pointer(scale(x, display.width()), scale(y, display.height()), buttons);
        } else {
            mouse.pointer(x, y, buttons);
        }
    }

    /** A pixel in {@code 0..size-1} to the tablet's axis, as QEMU scales it. */
    private static int scale(int pixel, int size) {
        if (size <= 1) {
            return VirtioTablet.AXIS_MAX / 2;
        }
        long clamped = Math.clamp(pixel, 0, size - 1);
        return (int) (clamped * VirtioTablet.AXIS_MAX / (size - 1));
    }

    /** The BIOS image; a directly booted kernel runs no firmware: a blank ROM takes its place. */
    private static byte[] biosImage(MachineConfig config) throws IOException {
        return config.bios() == null
                ? new byte[0x10000]
                : readImage(config.bios(), 16 * MIB, "BIOS");
    }

    /**
     * Opens each drive's image, each through a store rooted at its own directory so a backing file
     * named inside an image cannot lead out of it. On a failure the images opened so far are closed
     * and the message names the image.
     */
    private IdeDrive[] openDrives(List<DriveConfig> configs) throws IOException {
        IdeDrive[] drives = new IdeDrive[DriveConfig.POSITIONS];
        try {
            for (DriveConfig drive : configs) {
                BlockBackend medium = drive.image() == null ? null : openImage(drive);
                if (medium != null) {
                    disks.add(medium);
                }
                String serial = "ATRIUM-" + (drive.position() + 1);
                drives[drive.position()] =
                        drive.media() == DriveConfig.Media.CDROM
                                ? IdeDrive.cdrom(medium, serial)
                                : IdeDrive.hardDisk(medium, serial);
            }
        } catch (IOException | RuntimeException e) {
            closeDisks();
            throw e;
        }
        return drives;
    }

    private static BlockBackend openImage(DriveConfig drive) throws IOException {
        Path file = drive.image().toAbsolutePath().normalize();
        try {
            if (!Files.isRegularFile(file)) {
                throw new IOException("not a readable file");
            }
            ImageStore store = new ImageStore(file.getParent());
            return store.open(file.getFileName().toString(), drive.format(), drive.readOnly());
        } catch (IOException e) {
            throw new DiskImageException(
                    "disk image "
                            + drive.image()
                            + " ("
                            + drive.format().qemuName()
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private void closeDisks() {
        for (BlockBackend disk : disks) {
            try {
                disk.close();
            } catch (IOException e) {
                // Closing a read channel or a flushed image has nothing left to lose.
            }
        }
        disks.clear();
    }

    /** Reads a firmware image, refusing files too large to be one before loading them. */
    private static byte[] readImage(Path path, long maxBytes, String what) throws IOException {
        long size = Files.size(path);
        if (size == 0 || size > maxBytes) {
            throw new IllegalArgumentException(
                    what
                            + " image "
                            + path.getFileName()
                            + " has "
                            + size
                            + " bytes; expected 1 to "
                            + maxBytes);
        }
        return Files.readAllBytes(path);
    }

    /** The CMOS bytes firmware reads on a QEMU "pc" board without fw_cfg. */
    private void initCmos(long ramBytes) {
        rtc.setCmos(0x10, 0x00); // no floppy drives
        rtc.setCmos(0x12, 0x00); // no legacy hard disks
        rtc.setCmos(0x14, 0x06); // equipment: FPU, PS/2 mouse port, VGA
        rtc.setCmos(0x15, 640 & 0xFF); // base memory in KiB
        rtc.setCmos(0x16, 640 >> 8);
        long extendedKib = Math.min((ramBytes - MIB) / KIB, 0xFFFF);
        rtc.setCmos(0x17, (int) extendedKib & 0xFF);
        rtc.setCmos(0x18, (int) extendedKib >> 8);
        rtc.setCmos(0x30, (int) extendedKib & 0xFF);
        rtc.setCmos(0x31, (int) extendedKib >> 8);
        long above16m =
                ramBytes > 16 * MIB ? Math.min((ramBytes - 16 * MIB) / (64 * KIB), 0xFFFF) : 0;
        rtc.setCmos(0x34, (int) above16m & 0xFF);
        rtc.setCmos(0x35, (int) above16m >> 8);
        rtc.setCmos(0x5B, 0); // no RAM above 4 GiB
        rtc.setCmos(0x5C, 0);
        rtc.setCmos(0x5D, 0);
        rtc.setCmos(0x5F, 0); // one CPU (the count minus one)
        // Boot order: hard disk, floppy, CD-ROM (QEMU's default "cad"); floppy signature check on.
        rtc.setCmos(0x3D, 0x12);
        rtc.setCmos(0x38, 0x30);
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += rtc.cmos(i);
        }
        rtc.setCmos(0x2E, sum >> 8);
        rtc.setCmos(0x2F, sum & 0xFF);
    }

    private void updateA20() {
        memory.setA20(keyboardA20 || portA20);
    }

    PhysicalMemory memory() {
        return memory;
    }

    /**
     * Writes ACPI tables describing this board's power-management registers and PCI windows into
     * RAM (the PCI hole from the end of RAM, where the direct boot places BARs), for a kernel
     * booted without firmware; returns the RSDP's address.
     */
    int writeAcpiTables() {
        return AcpiTables.write(
                memory, ACPI_TABLES, ACPI_PM_PORT, IRQ_SCI, memory.ram().byteSize());
    }

    /**
     * Does for a directly booted kernel what a boot loader with a VESA mode does: places the std
     * VGA's framebuffer BAR at {@link #LFB_BASE}, turns on memory decoding, and sets a 32-bit Bochs
     * DISPI mode with the linear framebuffer on, through the same ports a guest driver uses.
     * Returns the framebuffer to announce to the kernel, or {@code null} on a board without VGA.
     */
    LinearFramebuffer enableLinearFramebuffer(int width, int height) {
        if (video == null) {
            return null;
        }
        vgaFunction.writeConfig(PCI_BAR0, 4, (int) LFB_BASE);
        vgaFunction.writeConfig(
                PCI_COMMAND, 2, vgaFunction.readConfig(PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);
        BusDevice dispi = video.dispiPorts();
        int[][] writes = {
            {DISPI_ENABLE, 0},
            {DISPI_XRES, width},
            {DISPI_YRES, height},
            {DISPI_BPP, LinearFramebuffer.BITS_PER_PIXEL},
            {DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED},
        };
        for (int[] w : writes) {
            dispi.write(0, 2, w[0]);
            dispi.write(1, 2, w[1]);
        }
        return new LinearFramebuffer(LFB_BASE, width, height, width * 4, video.vramSize());
    }

    /**
     * Does for a directly booted kernel what firmware does on this board: routes PIRQC to IRQ 11
     * (level-triggered in the ELCR), tells the tablet's PCI function its interrupt line, places its
     * BAR at {@link #TABLET_BASE} and turns on memory decoding.
     */
    void configurePciForDirectBoot() {
        isaBridge.function().writeConfig(PIIX3_PIRQRC + TABLET_PIRQ, 1, IRQ_PCI_TABLET);
        BusDevice elcr = pics.elcrPorts();
        int port = IRQ_PCI_TABLET >> 3;
        elcr.write(port, 1, elcr.read(port, 1) | 1 << (IRQ_PCI_TABLET & 7));
        PciFunction f = tablet.function();
        f.writeConfig(PCI_INTERRUPT_LINE, 1, IRQ_PCI_TABLET);
        f.writeConfig(PCI_BAR0, 4, (int) TABLET_BASE);
        f.writeConfig(PCI_COMMAND, 2, f.readConfig(PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);
    }

    /** Size of the BIOS ROM mapped just below 4 GiB. */
    long romBytes() {
        return romBytes;
    }

    IoPorts ports() {
        return ports;
    }

    InterruptSource interrupts() {
        return pics;
    }

    /** I/O port reads and writes of the CPU so far. */
    long portAccesses() {
        return ports.accesses();
    }

    /** Interrupts the CPU took from the PICs so far. */
    long interruptsTaken() {
        return pics.acknowledges();
    }

    DisplaySurface display() {
        return display;
    }

    /** The PS/2 keyboard; call on the machine's thread. */
    KeyboardInput keyboard() {
        return keyboard;
    }

    /**
     * The pointer: the virtio tablet once its driver is up, else the PS/2 mouse; machine thread.
     */
    PointerInput pointer() {
        return pointer;
    }

    /** Offers a byte from the host to COM1; false when its receiver has no room. */
    boolean serialReceive(int value) {
        return com1.receive(value);
    }

    void refreshDisplay(long virtualNanos) {
        if (video != null) {
            video.refresh(virtualNanos);
        }
    }

    /** The reset line: every chip back to its power-on state; RAM and CMOS keep their contents. */
    void reset() {
        pics.reset();
        pit.reset();
        portB.reset();
        portA.reset();
        rtc.reset();
        com1.reset();
        acpiPm.reset();
        keyboardController.reset();
        pci.reset();
        hostBridge.reset();
        isaBridge.reset();
        ide.reset();
        tablet.reset();
        keyboardA20 = true;
        portA20 = false;
        updateA20();
    }

    /** Every chip's state now; call on the machine's thread, between instructions. */
    PcBoardState snapshot() {
        return new PcBoardState(
                clock.nanos(),
                pics.snapshot(),
                pit.snapshot(),
                rtc.snapshot(),
                com1.snapshot(),
                keyboardController.snapshot(),
                keyboard.snapshot(),
                mouse.snapshot(),
                portA.value(),
                portB.value(),
                hostBridge.snapshot(),
                isaBridge.snapshot(),
                vgaFunction == null ? null : vgaFunction.snapshot(),
                video == null ? null : video.snapshot(),
                acpiPm.snapshot(),
                ide.snapshot(),
                tablet.snapshot());
    }

    /**
     * Loads a snapshot taken on a board of the same kind; see {@link #restoreParts(Map)} for the
     * order.
     */
    void restore(PcBoardState state) {
        if ((state.vga() == null) != (video == null)) {
            throw new IllegalArgumentException(
                    "snapshot and board differ in their display adapter");
        }
        Map<String, Record> states = new HashMap<>();
        states.put(clock.id(), new VirtualClock.ClockState(state.virtualNanos()));
        states.put(portB.id(), new SystemControlPortB.PortState(state.systemControlB()));
        states.put(pit.id(), state.pit());
        states.put(rtc.id(), state.rtc());
        states.put(com1.id(), state.com1());
        states.put(keyboard.id(), state.keyboard());
        states.put(mouse.id(), state.mouse());
        states.put(keyboardController.id(), state.keyboardController());
        states.put(hostBridge.id(), state.hostBridge());
        states.put(isaBridge.id(), state.isaBridge());
        states.put(acpiPm.id(), state.acpiPm());
        states.put(ide.id(), state.ide());
        states.put(tablet.id(), state.tablet());
        if (video != null) {
            states.put(video.id(), state.vga());
            states.put(vgaFunction.id(), state.vgaFunction());
        }
        states.put(portA.id(), new SystemControlPortA.PortState(state.systemControlA()));
        states.put(pics.id(), state.pics());
        restoreParts(states);
    }

    /**
     * Every part of the board with a state of its own, in the order {@link #restoreParts} loads
     * them: the virtual clock first, then the chips whose outputs feed others (timer gate, timer,
     * keyboard devices) before those they feed, the interrupt controllers last.
     */
    List<Snapshottable<? extends Record>> parts() {
        List<Snapshottable<? extends Record>> parts =
                new ArrayList<>(
                        List.of(
                                clock,
                                portB,
                                pit,
                                rtc,
                                com1,
                                keyboard,
                                mouse,
                                keyboardController,
                                hostBridge,
                                isaBridge,
                                acpiPm,
                                ide,
                                tablet));
        if (video != null) {
            parts.add(video);
            parts.add(vgaFunction);
        }
        parts.add(portA);
        parts.add(pics);
        return parts;
    }

    /**
     * Loads the state of every part, keyed by {@link Snapshottable#id()}. Every part must have a
     * state unless it is {@linkplain Snapshottable#optionalInSnapshot() optional}, in which case it
     * takes its power-on state; a part that refuses its state throws {@link
     * IllegalArgumentException}, after which the board is in no defined state and must be
     * discarded.
     */
    void restoreParts(Map<String, Record> states) {
        List<Snapshottable<? extends Record>> parts = parts();
        for (Snapshottable<? extends Record> part : parts) {
            if (!states.containsKey(part.id()) && !part.optionalInSnapshot()) {
                throw new IllegalArgumentException("no state for " + part.id());
            }
        }
        // PCI RST# first: functions then load their registers and place their BARs again.
        pci.reset();
        for (Snapshottable<? extends Record> part : parts) {
            Record state = states.get(part.id());
            if (state == null) {
                part.restoreAbsent();
            } else {
                part.restoreRecord(state);
            }
        }
        keyboardA20 = keyboardController.a20();
        updateA20();
    }

    /** The BIOS image mapped below 4 GiB. */
    byte[] biosImage() {
        return memory.rom();
    }

    /** The VGA option ROM, or {@code null}. */
    byte[] vgaBiosImage() {
        return vgaBios == null ? null : vgaBios.clone();
    }

    /** Guest RAM. */
    java.lang.foreign.MemorySegment ram() {
        return memory.ram();
    }

    /** The IDE controller; call on the machine's thread. */
    PiixIde ide() {
        return ide;
    }

    /** Frees guest RAM and closes the disk images (after forcing what the guest wrote to them). */
    @Override
    public void close() {
        for (BlockBackend disk : disks) {
            try {
                disk.flush();
            } catch (IOException e) {
                // The guest did not flush either; the image stays as consistent as its format is.
            }
        }
        closeDisks();
        memory.close();
    }

    /** PCI BAR placements land in the board's memory and I/O maps. */
    private final class BoardPciMapper implements PciMapper {
        @Override
        public void map(BusDevice target, boolean io, long base, long size) {
            if (io) {
                ports.map((int) base, (int) size, target);
                ioWindows.put(target, new int[] {(int) base, (int) size});
            } else {
                memoryWindows.computeIfAbsent(target, memory::window).place(base, size);
            }
        }

        @Override
        public void unmap(BusDevice target, boolean io) {
            if (io) {
                int[] w = ioWindows.remove(target);
                if (w != null) {
                    ports.unmap(w[0], w[1], target);
                }
            } else {
                MemoryMap.Window w = memoryWindows.get(target);
                if (w != null) {
                    w.remove();
                }
            }
        }
    }
}

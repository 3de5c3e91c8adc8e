package org.atrium.emulator.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.NoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.cpu.Cpu;
import org.atrium.emulator.cpu.InterruptSource;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.device.RecordingLine;
import org.atrium.emulator.device.acpi.AcpiPm;
import org.atrium.emulator.device.chipset.I440fx;
import org.atrium.emulator.device.chipset.Piix3;
import org.atrium.emulator.device.chipset.SpeakerTimerControl;
import org.atrium.emulator.device.chipset.SystemControlPortA;
import org.atrium.emulator.device.chipset.SystemControlPortB;
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
import org.atrium.emulator.device.pic.CascadedPics;
import org.atrium.emulator.device.pit.I8254;
import org.atrium.emulator.device.rtc.Mc146818;
import org.atrium.emulator.device.serial.Uart16550;
import org.atrium.emulator.device.vga.StdVga;
import org.atrium.emulator.device.virtio.TabletDriver;
import org.atrium.emulator.time.ManualClock;
import org.atrium.emulator.time.VirtualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one contract every {@link Snapshottable} keeps, run on every part of the machine: driven
 * through its ports into a non-trivial state, snapshotted, encoded, decoded and restored into a
 * fresh instance, the copy holds the same state and answers the same probes (port reads, time
 * passing, interrupts) exactly as the original does.
 */
class SnapshottableContractTest {
    /**
     * One part under test with what surrounds it. {@code drive} puts it into a state worth saving;
     * {@code probe} does the same things to original and copy and returns what it observed.
     */
    record Rig(
            Snapshottable<? extends Record> part,
            ManualClock time,
            Runnable drive,
            Supplier<List<Object>> probe) {}

    static Stream<Arguments> parts() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("8259 pair", (Supplier<Rig>) SnapshottableContractTest::pics));
        cases.add(Arguments.of("8254", (Supplier<Rig>) SnapshottableContractTest::pit));
        cases.add(Arguments.of("MC146818", (Supplier<Rig>) SnapshottableContractTest::rtc));
        cases.add(Arguments.of("16550", (Supplier<Rig>) SnapshottableContractTest::uart));
        cases.add(
                Arguments.of(
                        "8042", (Supplier<Rig>) SnapshottableContractTest::keyboardController));
        cases.add(
                Arguments.of("PS/2 keyboard", (Supplier<Rig>) SnapshottableContractTest::keyboard));
        cases.add(Arguments.of("PS/2 mouse", (Supplier<Rig>) SnapshottableContractTest::mouse));
        cases.add(Arguments.of("std VGA", (Supplier<Rig>) SnapshottableContractTest::vga));
        cases.add(Arguments.of("i440FX", (Supplier<Rig>) SnapshottableContractTest::hostBridge));
        cases.add(Arguments.of("PIIX3", (Supplier<Rig>) SnapshottableContractTest::isaBridge));
        cases.add(
                Arguments.of(
                        "PCI function", (Supplier<Rig>) SnapshottableContractTest::pciFunction));
        cases.add(Arguments.of("ACPI PM", (Supplier<Rig>) SnapshottableContractTest::acpiPm));
        cases.add(Arguments.of("PIIX3 IDE", (Supplier<Rig>) SnapshottableContractTest::ide));
        cases.add(Arguments.of("virtio tablet", (Supplier<Rig>) SnapshottableContractTest::tablet));
        cases.add(Arguments.of("port 0x92", (Supplier<Rig>) SnapshottableContractTest::portA));
        cases.add(Arguments.of("port 0x61", (Supplier<Rig>) SnapshottableContractTest::portB));
        cases.add(Arguments.of("virtual clock", (Supplier<Rig>) SnapshottableContractTest::clock));
        cases.add(Arguments.of("CPU and x87", (Supplier<Rig>) SnapshottableContractTest::cpu));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parts")
    void aRestoredCopyHoldsTheSameStateAndBehavesTheSame(String name, Supplier<Rig> fresh)
            throws Exception {
        byte[] powerOn = StateCodec.encode(fresh.get().part().snapshot());

        Rig original = fresh.get();
        original.drive().run();
        Record state = original.part().snapshot();
        byte[] bytes = StateCodec.encode(state);
        assertFalse(Arrays.equals(powerOn, bytes), "driving changed the state of " + name);

        Record decoded = StateCodec.decode(original.part().stateType(), bytes);
        assertArrayEquals(bytes, StateCodec.encode(decoded), "encode, decode, encode");

        Rig copy = fresh.get();
        assertEquals(original.part().id(), copy.part().id(), "a stable id");
        if (copy.time() != null) {
            // As on a board: the clock is restored before the parts that run on it.
            copy.time().clock().restore(original.time().clock().snapshot());
        }
        copy.part().restoreRecord(decoded);
        assertArrayEquals(bytes, StateCodec.encode(copy.part().snapshot()), "same state");
        assertEquals(original.probe().get(), copy.probe().get(), "same behaviour");
    }

    // ---------------------------------------------------------------- the parts

    private static Rig pics() {
        CascadedPics pics = new CascadedPics(2);
        BusDevice master = pics.masterPorts();
        BusDevice slave = pics.slavePorts();
        return new Rig(
                pics,
                null,
                () -> {
                    for (int v : new int[] {0x11, 0x20, 0x04, 0x01}) {
                        master.write(v == 0x11 ? 0 : 1, 1, v);
                    }
                    for (int v : new int[] {0x11, 0x28, 0x02, 0x01}) {
                        slave.write(v == 0x11 ? 0 : 1, 1, v);
                    }
                    master.write(1, 1, 0xF8);
                    pics.line(0).raise();
                    pics.line(1).raise();
                    pics.line(8).raise();
                    pics.acknowledge(); // IRQ 0 in service
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    master.write(0, 1, 0x0B);
                    seen.add(master.read(0, 1)); // ISR
                    master.write(0, 1, 0x0A);
                    seen.add(master.read(0, 1)); // IRR
                    seen.add(pics.pending());
                    master.write(0, 1, 0x20); // EOI
                    seen.add(pics.pending());
                    seen.add(pics.acknowledge());
                    pics.pending();
                    return seen;
                });
    }

    private static Rig pit() {
        ManualClock time = new ManualClock();
        RecordingLine out0 = new RecordingLine();
        I8254 pit = new I8254(time.clock(), out0);
        return new Rig(
                pit,
                time,
                () -> {
                    pit.write(3, 1, 0x34);
                    pit.write(0, 1, 0xA9);
                    pit.write(0, 1, 0x04); // 1193: about 1 kHz
                    pit.write(3, 1, 0xB6);
                    pit.write(2, 1, 0x00);
                    pit.setGate(2, true);
                    time.advance(2_345_678);
                    pit.write(3, 1, 0x00); // latch counter 0
                    pit.write(2, 1, 0x10); // half of counter 2's count written
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(pit.read(0, 1));
                    seen.add(pit.read(0, 1));
                    int edges = out0.risingEdges();
                    time.advanceInSteps(10_000_000, 100_000);
                    seen.add(out0.risingEdges() - edges);
                    pit.write(2, 1, 0x20);
                    seen.add(pit.output(2));
                    pit.write(3, 1, 0x00);
                    seen.add(pit.read(0, 1) | pit.read(0, 1) << 8);
                    return seen;
                });
    }

    private static Rig rtc() {
        ManualClock time = new ManualClock();
        RecordingLine irq = new RecordingLine();
        Mc146818 rtc = new Mc146818(time.clock(), irq, 1_700_000_000_000L);
        return new Rig(
                rtc,
                time,
                () -> {
                    rtc.write(0, 1, 0x0A);
                    rtc.write(1, 1, 0x26); // 1024 Hz periodic rate
                    rtc.write(0, 1, 0x0B);
                    rtc.write(1, 1, 0x42); // periodic interrupt on, 24-hour
                    rtc.write(0, 1, 0x40);
                    rtc.write(1, 1, 0x5A);
                    time.advance(1_234_567_890);
                    rtc.write(0, 1, 0x00); // index left at seconds
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(rtc.read(1, 1));
                    rtc.write(0, 1, 0x0C);
                    seen.add(rtc.read(1, 1));
                    int edges = irq.risingEdges();
                    time.advanceInSteps(5_000_000, 100_000);
                    seen.add(irq.risingEdges() - edges);
                    time.advance(2_000_000_000L);
                    rtc.write(0, 1, 0x00);
                    seen.add(rtc.read(1, 1));
                    rtc.write(0, 1, 0x40);
                    seen.add(rtc.read(1, 1));
                    return seen;
                });
    }

    private static Rig uart() {
        RecordingLine irq = new RecordingLine();
        List<Integer> sent = new ArrayList<>();
        Uart16550 uart = new Uart16550(irq, sent::add);
        return new Rig(
                uart,
                null,
                () -> {
                    uart.write(3, 1, 0x80);
                    uart.write(0, 1, 0x0C);
                    uart.write(1, 1, 0x00);
                    uart.write(3, 1, 0x1B);
                    uart.write(2, 1, 0xC7); // FIFO on, trigger 14
                    uart.write(1, 1, 0x0F);
                    uart.write(4, 1, 0x0B);
                    uart.write(7, 1, 0x5A);
                    uart.receive('a');
                    uart.receive('b');
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    for (int offset : new int[] {5, 2, 0, 0, 5, 2, 3, 4, 6, 7}) {
                        seen.add(uart.read(offset, 1));
                    }
                    seen.add(irq.level());
                    uart.write(0, 1, 'z');
                    seen.add(new ArrayList<>(sent.subList(sent.size() - 1, sent.size())));
                    return seen;
                });
    }

    private static Rig keyboardController() {
        Ps2Keyboard keyboard = new Ps2Keyboard(() -> {});
        Ps2Mouse mouse = new Ps2Mouse(() -> {});
        RecordingLine irq1 = new RecordingLine();
        RecordingLine irq12 = new RecordingLine();
        boolean[] a20 = {true};
        I8042 kbc =
                new I8042(
                        keyboard,
                        mouse,
                        irq1,
                        irq12,
                        new ControllerLines() {
                            @Override
                            public void a20(boolean enabled) {
                                a20[0] = enabled;
                            }

                            @Override
                            public void reset() {}
                        });
        BusDevice data = kbc.dataPort();
        BusDevice command = kbc.statusPort();
        return new Rig(
                kbc,
                null,
                () -> {
                    command.write(0, 1, 0x60);
                    data.write(0, 1, 0x47); // command byte
                    command.write(0, 1, 0xD1); // next data byte goes to the output port
                    data.write(0, 1, 0xDD); // A20 off
                    command.write(0, 1, 0x20); // read the command byte: output buffer full
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(kbc.a20());
                    seen.add(command.read(0, 1));
                    seen.add(data.read(0, 1));
                    seen.add(command.read(0, 1));
                    command.write(0, 1, 0xD0);
                    seen.add(data.read(0, 1));
                    return seen;
                });
    }

    private static Rig keyboard() {
        Ps2Keyboard keyboard = new Ps2Keyboard(() -> {});
        return new Rig(
                keyboard,
                null,
                () -> {
                    keyboard.write(0xED);
                    keyboard.write(0x05); // LEDs
                    keyboard.write(0xF0); // select scan code set, argument pending
                    keyboard.key(0x1E, true);
                    keyboard.key(0xE048, true);
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(keyboard.leds());
                    keyboard.write(0x02);
                    while (keyboard.hasData()) {
                        seen.add(keyboard.take());
                    }
                    keyboard.key(0x1E, false);
                    while (keyboard.hasData()) {
                        seen.add(keyboard.take());
                    }
                    return seen;
                });
    }

    private static Rig mouse() {
        Ps2Mouse mouse = new Ps2Mouse(() -> {});
        return new Rig(
                mouse,
                null,
                () -> {
                    // The IntelliMouse knock (rates 200, 100, 80) turns on the wheel ID 3.
                    for (int rate : new int[] {200, 100, 80}) {
                        mouse.write(0xF3);
                        mouse.write(rate);
                    }
                    mouse.write(0xF4); // reporting on
                    mouse.pointer(100, 50, 1);
                    mouse.pointer(130, 40, 1);
                    mouse.take(); // first acknowledgement read
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(mouse.deviceId());
                    mouse.pointer(90, 45, 0);
                    while (mouse.hasData()) {
                        seen.add(mouse.take());
                    }
                    mouse.write(0xE9); // status request
                    while (mouse.hasData()) {
                        seen.add(mouse.take());
                    }
                    return seen;
                });
    }

    private static Rig vga() {
        ManualClock time = new ManualClock();
        StdVga vga = new StdVga(1 << 20, time.clock()::nanos);
        BusDevice ports = vga.vgaPorts(); // 0x3C0-0x3DF
        BusDevice dispi = vga.dispiPorts();
        BusDevice memory = vga.legacyMemory();
        return new Rig(
                vga,
                time,
                () -> {
                    ports.write(0x02, 1, 0x67); // misc output
                    ports.write(0x04, 1, 0x02); // sequencer: map mask
                    ports.write(0x05, 1, 0x0F);
                    ports.write(0x08, 1, 0x10); // DAC write index 16
                    for (int c : new int[] {0x3F, 0x20, 0x01, 0x05}) {
                        ports.write(0x09, 1, c); // a colour and a third of the next
                    }
                    ports.write(0x14, 1, 0x0E); // CRTC index: cursor location high
                    ports.write(0x15, 1, 0x07);
                    ports.write(0x00, 1, 0x11); // attribute index, then data pending
                    dispi.write(0, 2, 0x1); // DISPI index: xres
                    dispi.write(1, 2, 800);
                    for (int i = 0; i < 64; i++) {
                        memory.write(0x18000 + i, 1, i * 3); // text memory
                    }
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    ports.write(0x07, 1, 0x10); // DAC read index 16
                    for (int i = 0; i < 4; i++) {
                        seen.add(ports.read(0x09, 1));
                    }
                    seen.add(ports.read(0x0C, 1)); // misc output read
                    seen.add(ports.read(0x15, 1));
                    seen.add(ports.read(0x05, 1));
                    dispi.write(0, 2, 0x1);
                    seen.add(dispi.read(1, 2));
                    for (int i = 0; i < 64; i += 7) {
                        seen.add(memory.read(0x18000 + i, 1));
                    }
                    return seen;
                });
    }

    private static Rig hostBridge() {
        List<String> shadows = new ArrayList<>();
        I440fx bridge =
                new I440fx((base, length, read, write) -> shadows.add(base + ":" + read + write));
        new PciBus(new NoMapper()).plug(0, 0, bridge.function());
        return new Rig(
                bridge,
                null,
                () -> {
                    bridge.function().writeConfig(0x59, 1, 0x30); // PAM0: BIOS shadow read/write
                    bridge.function().writeConfig(0x5A, 1, 0x11);
                    bridge.function().writeConfig(0x04, 2, 0x0006);
                },
                () -> {
                    shadows.clear();
                    List<Object> seen = new ArrayList<>();
                    seen.add(bridge.function().readConfig(0x58, 4));
                    seen.add(bridge.function().readConfig(0x04, 2));
                    bridge.function().writeConfig(0x5B, 1, 0x33);
                    seen.add(new ArrayList<>(shadows));
                    return seen;
                });
    }

    private static Rig isaBridge() {
        int[] resets = {0};
        Piix3 bridge = new Piix3(() -> resets[0]++);
        new PciBus(new NoMapper()).plug(1, 0, bridge.function());
        return new Rig(
                bridge,
                null,
                () -> {
                    bridge.function().writeConfig(0x60, 4, 0x0B0A0B0A); // PIRQ routes
                    bridge.resetControl().write(0, 1, 0x02); // system reset armed, not pulsed
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(bridge.pirqRoute(0));
                    seen.add(bridge.pirqRoute(1));
                    seen.add(bridge.resetControl().read(0, 1));
                    bridge.resetControl().write(0, 1, 0x06);
                    seen.add(resets[0]);
                    return seen;
                });
    }

    private static Rig tablet() {
        // Guest RAM is not part of a device's state: both rigs hold the same four posted buffers.
        TabletDriver d = new TabletDriver();
        d.post(4);
        return new Rig(
                d.tablet,
                null,
                () -> {
                    d.start(0);
                    d.tablet.pointer(100, 200, 1);
                    d.tablet.pointer(300, 400, 0); // waits for buffers
                    d.select(0x11, 3);
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(d.status());
                    seen.add(d.readIsr());
                    d.post(8);
                    d.notifyQueue(0);
                    d.tablet.pointer(300, 400, 4);
                    seen.add(d.usedIndex());
                    for (int n = 4; n < d.usedIndex(); n++) {
                        seen.add(Arrays.toString(d.event(n)));
                    }
                    seen.add(d.select(0x12, 0));
                    return seen;
                });
    }

    private static Rig pciFunction() {
        List<String> maps = new ArrayList<>();
        BusDevice target =
                new BusDevice() {
                    @Override
                    public int read(int offset, int size) {
                        return 0;
                    }

                    @Override
                    public void write(int offset, int size, int value) {}
                };
        PciFunction f =
                new PciFunction(0x1234, 0x1111, 0x02, 0x030000, 0x00)
                        .bar(0, PciBar.memory(1 << 20, true, target));
        new PciBus(
                        new PciMapper() {
                            @Override
                            public void map(BusDevice t, boolean io, long base, long size) {
                                maps.add("map " + Long.toHexString(base) + " " + size);
                            }

                            @Override
                            public void unmap(BusDevice t, boolean io) {
                                maps.add("unmap");
                            }
                        })
                .plug(2, 0, f);
        return new Rig(
                f,
                null,
                () -> {
                    f.writeConfig(0x10, 4, 0xFD000000);
                    f.writeConfig(0x04, 2, 0x0003);
                    f.writeConfig(0x3C, 1, 11);
                },
                () -> {
                    List<Object> seen = new ArrayList<>(maps.subList(maps.size() - 1, maps.size()));
                    seen.add(f.readConfig(0x10, 4));
                    seen.add(f.readConfig(0x04, 2));
                    seen.add(f.readConfig(0x3C, 1));
                    f.writeConfig(0x10, 4, 0xFE000000);
                    seen.add(maps.get(maps.size() - 1));
                    return seen;
                });
    }

    private static Rig acpiPm() {
        ManualClock time = new ManualClock();
        int[] offs = {0};
        AcpiPm pm = new AcpiPm(time.clock(), () -> offs[0]++);
        return new Rig(
                pm,
                time,
                () -> {
                    pm.write(2, 2, 0x0121); // enables
                    pm.write(4, 2, 0x0001); // SCI_EN
                    time.advance(3_000_000);
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(pm.read(0, 2));
                    seen.add(pm.read(2, 2));
                    seen.add(pm.read(4, 2));
                    time.advance(1_000_000);
                    seen.add(pm.read(8, 2));
                    pm.write(4, 2, 0x2000 | (5 << 10)); // SLP_EN with S5
                    seen.add(offs[0]);
                    return seen;
                });
    }

    /**
     * The IDE function with an empty CD-ROM drive as primary master, left in the middle of the
     * IDENTIFY PACKET DEVICE data transfer: the copy must hand out the same remaining words.
     */
    private static Rig ide() {
        List<String> irq = new ArrayList<>();
        InterruptLine primary =
                new InterruptLine() {
                    @Override
                    public void raise() {
                        irq.add("raise");
                    }

                    @Override
                    public void lower() {
                        irq.add("lower");
                    }
                };
        InterruptLine none =
                new InterruptLine() {
                    @Override
                    public void raise() {}

                    @Override
                    public void lower() {}
                };
        PiixIde ide = new PiixIde(primary, IdeDrive.cdrom(null, "CD0001"), null, none, null, null);
        // On a bus, as on the board: the function's power-on registers are taken when plugged.
        new PciBus(
                        new PciMapper() {
                            @Override
                            public void map(BusDevice t, boolean io, long base, long size) {}

                            @Override
                            public void unmap(BusDevice t, boolean io) {}
                        })
                .plug(1, 1, ide.function());
        BusDevice command = ide.primary().commandBlock();
        return new Rig(
                ide,
                null,
                () -> {
                    ide.function().writeConfig(0x40, 2, 0x8303); // IDETIM, as a driver tunes it
                    command.write(6, 1, 0xA0); // select the master
                    command.write(7, 1, 0xA1); // IDENTIFY PACKET DEVICE
                    for (int i = 0; i < 10; i++) {
                        command.read(0, 2); // the first ten words of the 256
                    }
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(ide.function().readConfig(0x40, 2));
                    seen.add(command.read(7, 1));
                    for (int i = 0; i < 30; i++) {
                        seen.add(command.read(0, 2));
                    }
                    seen.add(List.copyOf(irq));
                    return seen;
                });
    }

    private static Rig portA() {
        List<Boolean> a20 = new ArrayList<>();
        int[] resets = {0};
        SystemControlPortA port = new SystemControlPortA(a20::add, () -> resets[0]++);
        return new Rig(
                port,
                null,
                () -> port.write(0, 1, 0x0A),
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(port.read(0, 1));
                    seen.add(a20.get(a20.size() - 1));
                    port.write(0, 1, 0x0B);
                    seen.add(resets[0]);
                    return seen;
                });
    }

    private static Rig portB() {
        ManualClock time = new ManualClock();
        I8254 pit = new I8254(time.clock(), new RecordingLine());
        SystemControlPortB port =
                new SystemControlPortB(
                        time.clock(),
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
        return new Rig(
                port,
                time,
                () -> port.write(0, 1, 0x0B),
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(port.read(0, 1) & 0x0F);
                    seen.add(pit.output(2));
                    return seen;
                });
    }

    private static Rig clock() {
        ManualClock time = new ManualClock();
        VirtualClock clock = time.clock();
        return new Rig(
                clock,
                null,
                () -> time.advance(987_654_321),
                () -> {
                    List<Object> seen = new ArrayList<>();
                    seen.add(clock.nanos());
                    time.advance(1000);
                    seen.add(clock.nanos());
                    return seen;
                });
    }

    /** 64 KiB of RAM seen at every 64 KiB of the address space, so the reset vector lands in it. */
    private static final class WrappingMemory implements PhysicalMemory {
        final byte[] bytes = new byte[0x10000];

        @Override
        public int read8(int a) {
            return bytes[a & 0xFFFF] & 0xFF;
        }

        @Override
        public int read16(int a) {
            return read8(a) | read8(a + 1) << 8;
        }

        @Override
        public int read32(int a) {
            return read16(a) | read16(a + 2) << 16;
        }

        @Override
        public void write8(int a, int v) {
            bytes[a & 0xFFFF] = (byte) v;
        }

        @Override
        public void write16(int a, int v) {
            write8(a, v);
            write8(a + 1, v >> 8);
        }

        @Override
        public void write32(int a, int v) {
            write16(a, v);
            write16(a + 2, v >> 16);
        }
    }

    /** At F000:0000, where the reset vector's far jump goes; 16-bit real mode. */
    private static final byte[] CPU_PROGRAM = {
        (byte) 0xDB,
        (byte) 0xE3, // fninit
        (byte) 0xD9,
        (byte) 0xE8, // fld1
        (byte) 0xD9,
        (byte) 0xEB, // fldpi
        (byte) 0xDE,
        (byte) 0xC1, // faddp
        (byte) 0xD9,
        (byte) 0xE8, // fld1: the snapshot is taken after this one
        (byte) 0xD8,
        (byte) 0xC0, // fadd st0, st0
        (byte) 0xDE,
        (byte) 0xC9, // fmulp
        (byte) 0xD9,
        0x1E,
        0x00,
        0x01, // fstp dword [0x100]
        (byte) 0xB8,
        0x34,
        0x12, // mov ax, 0x1234
        (byte) 0x01,
        (byte) 0xC3, // add bx, ax
        (byte) 0xF4, // hlt
    };

    private static Rig cpu() {
        WrappingMemory memory = new WrappingMemory();
        System.arraycopy(CPU_PROGRAM, 0, memory.bytes, 0, CPU_PROGRAM.length);
        // FFF0: jmp far F000:0000
        byte[] jump = {(byte) 0xEA, 0x00, 0x00, 0x00, (byte) 0xF0};
        System.arraycopy(jump, 0, memory.bytes, 0xFFF0, jump.length);
        InterruptSource none =
                new InterruptSource() {
                    @Override
                    public boolean pending() {
                        return false;
                    }

                    @Override
                    public int acknowledge() {
                        throw new IllegalStateException("no interrupt pending");
                    }
                };
        long[] tsc = {5_000_000};
        Cpu cpu = new Cpu(memory, new NoPorts(), none, () -> tsc[0]);
        return new Rig(
                cpu,
                null,
                () -> {
                    cpu.run(1); // the far jump
                    cpu.run(5);
                    tsc[0] += 1000;
                },
                () -> {
                    List<Object> seen = new ArrayList<>();
                    cpu.run(100);
                    seen.add(cpu.halted());
                    seen.add(cpu.state().registers());
                    seen.add(cpu.state().eip());
                    seen.add(memory.read32(0x100)); // (1 + pi) * 2 as a float
                    seen.add(cpu.state().fpu());
                    return seen;
                });
    }

    /** A PCI mapper for functions without BARs. */
    private static final class NoMapper implements PciMapper {
        @Override
        public void map(BusDevice target, boolean io, long base, long size) {}

        @Override
        public void unmap(BusDevice target, boolean io) {}
    }
}

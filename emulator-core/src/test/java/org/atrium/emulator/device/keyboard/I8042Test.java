package org.atrium.emulator.device.keyboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.RecordingLine;
import org.junit.jupiter.api.Test;

class I8042Test {
    private final RecordingLine irq1 = new RecordingLine();
    private final RecordingLine irq12 = new RecordingLine();
    private final List<String> lineEvents = new ArrayList<>();
    private final I8042[] holder = new I8042[1];
    private final Ps2Keyboard keyboard = new Ps2Keyboard(() -> holder[0].deviceDataReady());
    private final Ps2Mouse mouse = new Ps2Mouse(() -> holder[0].deviceDataReady());
    private final I8042 controller =
            new I8042(
                    keyboard,
                    mouse,
                    irq1,
                    irq12,
                    new ControllerLines() {
                        @Override
                        public void a20(boolean enabled) {
                            lineEvents.add("a20=" + enabled);
                        }

                        @Override
                        public void reset() {
                            lineEvents.add("reset");
                        }
                    });

    {
        holder[0] = controller;
    }

    private final BusDevice data = controller.dataPort();
    private final BusDevice status = controller.statusPort();

    private int readData() {
        assertEquals(0x01, status.read(0, 1) & 0x01, "output buffer full");
        return data.read(0, 1);
    }

    private void command(int c) {
        status.write(0, 1, c);
    }

    private void writeCommandByte(int value) {
        command(0x60);
        data.write(0, 1, value);
    }

    @Test
    void selfTestAndInterfaceTest() {
        command(0xAA);
        assertEquals(0x55, readData());
        assertEquals(0x04, status.read(0, 1) & 0x04, "system flag after self-test");
        command(0xAB);
        assertEquals(0x00, readData());
        assertEquals(0, status.read(0, 1) & 0x01);
    }

    @Test
    void commandByteReadsBackAndControlsInterrupts() {
        writeCommandByte(0x61);
        command(0x20);
        assertEquals(0x61, data.read(0, 1));
    }

    @Test
    void keyboardResetAnswersAckAndBat() {
        writeCommandByte(0x00); // no interrupts, no translation
        data.write(0, 1, 0xFF);
        assertEquals(0xFA, readData());
        assertEquals(0xAA, readData());
    }

    @Test
    void identifyIsTranslatedWhenTheCommandByteAsks() {
        writeCommandByte(0x40);
        data.write(0, 1, 0xF2);
        assertEquals(0xFA, readData());
        assertEquals(0xAB, readData());
        assertEquals(0x41, readData(), "0x83 translates to 0x41");
    }

    @Test
    void keysArriveAsSet2AndTranslateToSet1WithInterrupt() {
        writeCommandByte(0x41); // translate, keyboard interrupt
        keyboard.key(0x1E, true); // A
        assertTrue(irq1.level());
        assertEquals(0x1E, readData());
        assertFalse(irq1.level());
        keyboard.key(0x1E, false);
        assertEquals(0x9E, readData());
        keyboard.key(0xE048, true); // cursor up
        assertEquals(0xE0, readData());
        assertEquals(0x48, readData());
        keyboard.key(0xE048, false);
        assertEquals(0xE0, readData());
        assertEquals(0xC8, readData());
    }

    @Test
    void withoutTranslationTheRawSet2BytesAreSeen() {
        writeCommandByte(0x00);
        keyboard.key(0x1C, true); // Enter
        keyboard.key(0x1C, false);
        assertEquals(0x5A, readData());
        assertEquals(0xF0, readData());
        assertEquals(0x5A, readData());
    }

    @Test
    void disabledKeyboardInterfaceHoldsBytesBack() {
        writeCommandByte(0x00);
        command(0xAD);
        keyboard.key(0x10, true);
        assertEquals(0, status.read(0, 1) & 0x01);
        command(0xAE);
        assertEquals(0x15, readData());
    }

    @Test
    void scanningDisabledDropsKeys() {
        writeCommandByte(0x00);
        data.write(0, 1, 0xF5);
        assertEquals(0xFA, readData());
        keyboard.key(0x10, true);
        assertEquals(0, status.read(0, 1) & 0x01);
    }

    @Test
    void setLedsTakesAnArgument() {
        writeCommandByte(0x00);
        data.write(0, 1, 0xED);
        assertEquals(0xFA, readData());
        data.write(0, 1, 0x04);
        assertEquals(0xFA, readData());
        assertEquals(0x04, keyboard.leds());
    }

    @Test
    void outputPortDrivesA20AndReset() {
        command(0xD0);
        assertEquals(0x03, readData() & 0x03);
        command(0xD1);
        data.write(0, 1, 0xDD); // A20 off, reset inactive
        command(0xD1);
        data.write(0, 1, 0xDF);
        assertEquals(List.of("a20=false", "a20=true"), lineEvents);
        command(0xFE);
        assertEquals("reset", lineEvents.get(2));
    }

    @Test
    void writeToOutputBufferAsIfFromKeyboard() {
        writeCommandByte(0x01);
        command(0xD2);
        data.write(0, 1, 0x42);
        assertTrue(irq1.level());
        assertEquals(0x42, readData());
        command(0xD3);
        data.write(0, 1, 0x43);
        assertEquals(0x20, status.read(0, 1) & 0x20, "from the auxiliary port");
        assertEquals(0x43, readData());
    }

    private void toMouse(int value) {
        command(0xD4);
        data.write(0, 1, value);
    }

    private int readAux() {
        assertEquals(0x21, status.read(0, 1) & 0x21, "output buffer full, from the aux port");
        return data.read(0, 1);
    }

    @Test
    void mouseResetsAndIdentifiesThroughTheAuxPort() {
        writeCommandByte(0x02); // aux interrupt, translation off
        toMouse(0xFF);
        assertTrue(irq12.level());
        assertEquals(0xFA, readAux());
        assertEquals(0xAA, readAux());
        assertEquals(0x00, readAux());
        assertFalse(irq12.level());
        toMouse(0xF2);
        assertEquals(0xFA, readAux());
        assertEquals(0x00, readAux());
    }

    @Test
    void mouseReportsMovementAndButtonsOnceEnabled() {
        writeCommandByte(0x40);
        mouse.pointer(100, 100, 0);
        toMouse(0xF4);
        assertEquals(0xFA, readAux());
        mouse.pointer(110, 90, 1); // right 10, up 10, left button
        assertEquals(0x09, readAux());
        assertEquals(10, readAux());
        assertEquals(10, readAux());
        mouse.pointer(105, 95, 4); // left 5, down 5, right button
        assertEquals(0x08 | 0x02 | 0x10 | 0x20, readAux());
        assertEquals(0xFB, readAux(), "aux bytes are never translated");
        assertEquals(0xFB, readAux());
    }

    @Test
    void largeMovesAreSplitIntoPackets() {
        mouse.pointer(0, 0, 0);
        toMouse(0xF4);
        readAux();
        mouse.pointer(400, 0, 0);
        assertEquals(0x08, readAux());
        assertEquals(255, readAux());
        assertEquals(0, readAux());
        assertEquals(0x08, readAux());
        assertEquals(145, readAux());
        assertEquals(0, readAux());
    }

    @Test
    void intelliMouseSequenceEnablesTheWheel() {
        for (int rate : new int[] {200, 100, 80}) {
            toMouse(0xF3);
            readAux();
            toMouse(rate);
            readAux();
        }
        toMouse(0xF2);
        assertEquals(0xFA, readAux());
        assertEquals(0x03, readAux());
        toMouse(0xF4);
        readAux();
        mouse.pointer(0, 0, 0x08); // wheel up
        assertEquals(0x08, readAux());
        readAux();
        readAux();
        assertEquals(0xFF, readAux(), "one notch up");
    }

    @Test
    void keyboardBytesGoBeforeMouseBytes() {
        writeCommandByte(0x00);
        command(0xD2);
        data.write(0, 1, 0x99); // the output buffer is busy while both devices queue bytes
        toMouse(0xF2);
        keyboard.key(0x1E, true);
        assertEquals(0x99, readData());
        assertEquals(0x1C, readData(), "the keyboard's A (set 2) first");
        assertEquals(0xFA, readAux());
    }

    @Test
    void set1TranslationRoundTripsEveryKey() {
        for (int code = 1; code < 0x59; code++) {
            int set2 = Set2Translation.fromSet1(code);
            if (set2 >= 0) {
                assertEquals(code, Set2Translation.toSet1(set2), "set 1 code " + code);
            }
        }
    }

    @Test
    void snapshotMovesControllerKeyboardAndMouseToAFreshSet() {
        writeCommandByte(0x43); // translate, both interrupts
        for (int rate : new int[] {200, 100, 80}) {
            toMouse(0xF3);
            readAux();
            toMouse(rate);
            readAux();
        }
        mouse.pointer(50, 50, 0);
        toMouse(0xF4);
        readAux();
        keyboard.key(0x1E, true);
        keyboard.key(0x30, true); // B waits behind A in the keyboard's queue
        I8042State controllerState = controller.snapshot();
        Ps2KeyboardState keyboardState = keyboard.snapshot();
        Ps2MouseState mouseState = mouse.snapshot();

        RecordingLine copyIrq1 = new RecordingLine();
        I8042[] h = new I8042[1];
        Ps2Keyboard k = new Ps2Keyboard(() -> h[0].deviceDataReady());
        Ps2Mouse m = new Ps2Mouse(() -> h[0].deviceDataReady());
        I8042 c =
                new I8042(
                        k,
                        m,
                        copyIrq1,
                        new RecordingLine(),
                        new ControllerLines() {
                            @Override
                            public void a20(boolean enabled) {}

                            @Override
                            public void reset() {}
                        });
        h[0] = c;
        k.restore(keyboardState);
        m.restore(mouseState);
        c.restore(controllerState);
        assertTrue(copyIrq1.level());
        assertEquals(0x1E, c.dataPort().read(0, 1));
        assertEquals(0x30, c.dataPort().read(0, 1));
        assertEquals(3, m.deviceId());
        m.pointer(52, 50, 0);
        assertEquals(0x08, c.dataPort().read(0, 1));
        assertEquals(2, c.dataPort().read(0, 1), "movement continues from the restored position");
    }
}

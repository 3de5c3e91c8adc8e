package org.atrium.host.rfb;

import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;

/** What an RFB client sees and drives: one VM's screen, keyboard and pointer, and its name. */
public record RfbTarget(
        String name, DisplaySurface display, KeyboardInput keyboard, PointerInput pointer) {}

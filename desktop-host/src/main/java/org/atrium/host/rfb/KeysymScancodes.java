package org.atrium.host.rfb;

import java.util.HashMap;
import java.util.Map;

/**
 * X11 keysyms to XT (set 1) scan codes for a US keyboard, for clients without the QEMU Extended Key
 * Event. Shifted symbols map to their unshifted key: the client sends Shift itself. Keys of other
 * layouts have no entry and are dropped; those clients should use the extension.
 */
public final class KeysymScancodes {
    private static final Map<Integer, Integer> TABLE = new HashMap<>();

    static {
        String row1 = "1234567890-=";
        String row1Shifted = "!@#$%^&*()_+";
        for (int i = 0; i < row1.length(); i++) {
            put(row1.charAt(i), 0x02 + i);
            put(row1Shifted.charAt(i), 0x02 + i);
        }
        letters("qwertyuiop", 0x10);
        letters("asdfghjkl", 0x1e);
        letters("zxcvbnm", 0x2c);
        String punctuation = "[]{};:'\"`~\\|,<.>/? ";
        int[] codes = {
            0x1a, 0x1b, 0x1a, 0x1b, 0x27, 0x27, 0x28, 0x28, 0x29, 0x29, 0x2b, 0x2b, 0x33, 0x33,
            0x34, 0x34, 0x35, 0x35, 0x39
        };
        for (int i = 0; i < punctuation.length(); i++) put(punctuation.charAt(i), codes[i]);
        int[][] named = {
            {0xff08, 0x0e}, // BackSpace
            {0xff09, 0x0f}, // Tab
            {0xfe20, 0x0f}, // ISO_Left_Tab (Shift+Tab)
            {0xff0d, 0x1c}, // Return
            {0xff1b, 0x01}, // Escape
            {0xffff, 0xe053}, // Delete
            {0xff50, 0xe047}, // Home
            {0xff51, 0xe04b}, // Left
            {0xff52, 0xe048}, // Up
            {0xff53, 0xe04d}, // Right
            {0xff54, 0xe050}, // Down
            {0xff55, 0xe049}, // Page_Up
            {0xff56, 0xe051}, // Page_Down
            {0xff57, 0xe04f}, // End
            {0xff63, 0xe052}, // Insert
            {0xff61, 0xe037}, // Print
            {0xff14, 0x46}, // Scroll_Lock
            {0xff7f, 0x45}, // Num_Lock
            {0xffe5, 0x3a}, // Caps_Lock
            {0xffe1, 0x2a}, // Shift_L
            {0xffe2, 0x36}, // Shift_R
            {0xffe3, 0x1d}, // Control_L
            {0xffe4, 0xe01d}, // Control_R
            {0xffe9, 0x38}, // Alt_L
            {0xffea, 0xe038}, // Alt_R
            {0xfe03, 0xe038}, // ISO_Level3_Shift (AltGr)
            {0xffe7, 0xe05b}, // Meta_L
            {0xffe8, 0xe05c}, // Meta_R
            {0xffeb, 0xe05b}, // Super_L
            {0xffec, 0xe05c}, // Super_R
            {0xff67, 0xe05d}, // Menu
            {0xff8d, 0xe01c}, // KP_Enter
            {0xffaa, 0x37}, // KP_Multiply
            {0xffab, 0x4e}, // KP_Add
            {0xffad, 0x4a}, // KP_Subtract
            {0xffae, 0x53}, // KP_Decimal
            {0xffaf, 0xe035}, // KP_Divide
        };
        for (int[] pair : named) TABLE.put(pair[0], pair[1]);
        int[] keypad = {0x52, 0x4f, 0x50, 0x51, 0x4b, 0x4c, 0x4d, 0x47, 0x48, 0x49};
        for (int i = 0; i < 10; i++) TABLE.put(0xffb0 + i, keypad[i]);
        for (int i = 0; i < 10; i++) TABLE.put(0xffbe + i, 0x3b + i); // F1..F10
        TABLE.put(0xffc8, 0x57); // F11
        TABLE.put(0xffc9, 0x58); // F12
    }

    private KeysymScancodes() {}

    private static void put(char c, int code) {
        TABLE.put((int) c, code);
    }

    private static void letters(String keys, int first) {
        for (int i = 0; i < keys.length(); i++) {
            put(keys.charAt(i), first + i);
            put(Character.toUpperCase(keys.charAt(i)), first + i);
        }
    }

    /** The scan code of the key that types {@code keysym} on a US keyboard, or -1. */
    public static int scancode(int keysym) {
        return TABLE.getOrDefault(keysym, -1);
    }

    /**
     * The {@link org.atrium.emulator.input.KeyboardInput} numbering of a QEMU Extended Key Event
     * keycode: noVNC and QEMU send extended (0xE0-prefixed) keys as 0x80 | code.
     */
    public static int fromQemuKeycode(int keycode) {
        if (keycode >= 0x80 && keycode <= 0xff) return 0xe000 | (keycode & 0x7f);
        return keycode;
    }
}

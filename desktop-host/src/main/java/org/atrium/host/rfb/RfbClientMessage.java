package org.atrium.host.rfb;

/** The client-to-server messages after initialisation (RFC 6143 section 7.5, plus extensions). */
public sealed interface RfbClientMessage {

    /** Type 0. The format is checked by the session, which closes the client when it is illegal. */
    record SetPixelFormat(PixelFormat format) implements RfbClientMessage {}

    /** Type 2: encodings in the client's order of preference. */
    record SetEncodings(int[] encodings) implements RfbClientMessage {}

    /**
     * Type 3: a request for the given area, all of it ({@code incremental} false) or its changes.
     */
    record FramebufferUpdateRequest(boolean incremental, int x, int y, int width, int height)
            implements RfbClientMessage {}

    /** Type 4: an X11 keysym pressed or released. */
    record KeyEvent(boolean down, int keysym) implements RfbClientMessage {}

    /** Type 5: pointer position and button mask. */
    record PointerEvent(int buttonMask, int x, int y) implements RfbClientMessage {}

    /** Type 6: the client's clipboard, Latin-1 text (bounded by the decoder). */
    record ClientCutText(String text) implements RfbClientMessage {}

    /**
     * Type 6 with a negative length (Extended Clipboard extension): the action and format flags,
     * and the UTF-8 text of a provide message (empty for the other actions).
     */
    record ExtendedClipboardMessage(int flags, String text) implements RfbClientMessage {}

    /** Type 248 (Fence extension): flags and the payload, at most 64 bytes, echoed in answers. */
    record Fence(int flags, byte[] payload) implements RfbClientMessage {
        public static final int BLOCK_BEFORE = 1;
        public static final int BLOCK_AFTER = 2;
        public static final int SYNC_NEXT = 4;
        public static final int REQUEST = 1 << 31;

        @Override
        public boolean equals(Object o) {
            return o instanceof Fence f
                    && f.flags == flags
                    && java.util.Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * flags + java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Fence[flags=" + Integer.toHexString(flags) + ", " + payload.length + " bytes]";
        }
    }

    /**
     * Type 150 (ContinuousUpdates extension): the client asks for updates of an area as it changes
     * without further requests, or stops them.
     */
    record EnableContinuousUpdates(boolean enable, int x, int y, int width, int height)
            implements RfbClientMessage {}

    /** Type 251 (ExtendedDesktopSize extension): the client asks for a new screen size. */
    record SetDesktopSize(int width, int height, int screens) implements RfbClientMessage {}

    /**
     * Type 255 subtype 0 (QEMU Extended Key Event): a key with its XT scan code as noVNC encodes it
     * (extended keys as 0x80 | code).
     */
    record QemuKeyEvent(boolean down, int keysym, int keycode) implements RfbClientMessage {}
}

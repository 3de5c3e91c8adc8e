package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/**
 * QEMU LED State pseudo-encoding (-261, community rfbproto): an empty rectangle followed by one
 * byte, bit 0 scroll lock, bit 1 num lock, bit 2 caps lock, the same bits as the PS/2 keyboard's
 * Set LEDs (0xED) argument. Lets a client keep its own lock keys in step with the guest's.
 */
final class LedStateEncoder {
    private LedStateEncoder() {}

    static void encode(int leds, ByteBuf out) {
        RfbEncoding.writeHeader(out, 0, 0, 0, 0, RfbEncoding.QEMU_LED_STATE);
        out.writeByte(leds & 7);
    }
}

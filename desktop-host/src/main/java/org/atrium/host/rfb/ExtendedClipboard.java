package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the Extended Clipboard form of ClientCutText (community rfbproto "Extended Clipboard
 * Pseudo-Encoding"): a 4-byte flags word, then for caps one 4-byte size per format bit set, for
 * provide a zlib stream of (size, data) per format bit set. The server does not advertise the
 * extension, so clients should not send it; what arrives anyway is checked, never trusted: a
 * payload under 4 bytes, caps without their sizes, or a provide stream that inflates past {@link
 * #MAX_INFLATED} bytes or is malformed ends the connection. Only the text format is kept.
 */
final class ExtendedClipboard {
    /** Cap on the inflated provide data, so a small zlib bomb cannot claim much memory. */
    static final int MAX_INFLATED = 1 << 20;

    static final int FORMAT_MASK = 0xffff;
    static final int TEXT = 1;
    static final int CAPS = 1 << 24;
    static final int REQUEST = 1 << 25;
    static final int PEEK = 1 << 26;
    static final int NOTIFY = 1 << 27;
    static final int PROVIDE = 1 << 28;

    private ExtendedClipboard() {}

    static RfbClientMessage.ExtendedClipboardMessage read(ByteBuf payload) {
        if (payload.readableBytes() < 4) {
            throw new RfbProtocolException(
                    "Extended Clipboard payload of "
                            + payload.readableBytes()
                            + " bytes has no flags word");
        }
        int flags = payload.readInt();
        int formats = Integer.bitCount(flags & FORMAT_MASK);
        if ((flags & CAPS) != 0) {
            if (payload.readableBytes() < 4L * formats) {
                throw new RfbProtocolException(
                        "Extended Clipboard caps for " + formats + " formats without their sizes");
            }
            return new RfbClientMessage.ExtendedClipboardMessage(flags, "");
        }
        if ((flags & PROVIDE) != 0) {
            return new RfbClientMessage.ExtendedClipboardMessage(flags, provided(flags, payload));
        }
        return new RfbClientMessage.ExtendedClipboardMessage(flags, "");
    }

    /** Inflates a provide stream, at most {@link #MAX_INFLATED} bytes, and returns its text. */
    private static String provided(int flags, ByteBuf payload) {
        byte[] compressed = new byte[payload.readableBytes()];
        payload.readBytes(compressed);
        Inflater inflater = new Inflater();
        byte[] plain = new byte[4096];
        int size = 0;
        try {
            inflater.setInput(compressed);
            while (!inflater.finished()) {
                if (size == plain.length) {
                    if (size == MAX_INFLATED) {
                        throw new RfbProtocolException(
                                "Extended Clipboard data inflates past " + MAX_INFLATED + " bytes");
                    }
                    plain = java.util.Arrays.copyOf(plain, Math.min(size * 2, MAX_INFLATED));
                }
                int n = inflater.inflate(plain, size, plain.length - size);
                if (n == 0) break; // truncated input or a dictionary: the sizes check below

                size += n;
            }
        } catch (DataFormatException e) {
            throw new RfbProtocolException(
                    "Extended Clipboard data is not zlib: " + e.getMessage());
        } finally {
            inflater.end();
        }
        // (size, data) per format bit, lowest bit first; text is bit 0, NUL-terminated UTF-8.
        String text = "";
        int at = 0;
        for (int bit = 0; bit < 16; bit++) {
            if ((flags & (1 << bit)) == 0) continue;
            if (size - at < 4) {
                throw new RfbProtocolException("Extended Clipboard data ends before a size");
            }
            long length =
                    (plain[at] & 0xffL) << 24
                            | (plain[at + 1] & 0xff) << 16
                            | (plain[at + 2] & 0xff) << 8
                            | (plain[at + 3] & 0xff);
            at += 4;
            if (length > size - at) {
                throw new RfbProtocolException(
                        "Extended Clipboard format of " + length + " bytes exceeds its data");
            }
            if (bit == 0) {
                int end = at;
                while (end < at + length && plain[end] != 0) end++;
                text = new String(plain, at, end - at, StandardCharsets.UTF_8);
            }
            at += (int) length;
        }
        return text;
    }
}

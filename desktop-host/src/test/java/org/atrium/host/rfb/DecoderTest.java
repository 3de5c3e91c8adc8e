package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every phase decoder, fed whole and one byte at a time. */
class DecoderTest {

    /**
     * Decodes {@code bytes} with a fresh decoder, whole or byte by byte, returning the messages.
     */
    static List<Object> decode(Supplier<ChannelHandler> decoder, byte[] bytes, boolean byteWise) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder.get());
        if (byteWise) {
            for (byte b : bytes) channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = channel.readInbound()) != null) out.add(m);
        channel.finishAndReleaseAll();
        return out;
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void protocolVersions(boolean byteWise) {
        assertEquals(
                List.of(new RfbHandshake.ClientVersion(8)),
                decode(ProtocolVersionDecoder::new, ascii("RFB 003.008\n"), byteWise));
        assertEquals(
                List.of(new RfbHandshake.ClientVersion(7)),
                decode(ProtocolVersionDecoder::new, ascii("RFB 003.007\n"), byteWise));
        assertEquals(
                List.of(new RfbHandshake.ClientVersion(3)),
                decode(ProtocolVersionDecoder::new, ascii("RFB 003.003\n"), byteWise));
        // Apple's 3.889 is a 3.8 client; an unknown 3.5 is served as 3.3 as the RFC says.
        assertEquals(
                List.of(new RfbHandshake.ClientVersion(8)),
                decode(ProtocolVersionDecoder::new, ascii("RFB 003.889\n"), byteWise));
        assertEquals(
                List.of(new RfbHandshake.ClientVersion(3)),
                decode(ProtocolVersionDecoder::new, ascii("RFB 003.005\n"), byteWise));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                "RFB 004.000\n",
                "RFB 003.008\r",
                "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
                "RFB 03.008\n "
            })
    void garbageVersionsAreRejected(String text) {
        DecoderException e =
                assertThrows(
                        DecoderException.class,
                        () -> decode(ProtocolVersionDecoder::new, ascii(text), true));
        assertInstanceOf(RfbProtocolException.class, e.getCause());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void securityChoiceAndVncAuthResponse(boolean byteWise) {
        byte[] response = new byte[16];
        for (int i = 0; i < 16; i++) response[i] = (byte) (i * 7);
        byte[] input = new byte[17];
        input[0] = 2;
        System.arraycopy(response, 0, input, 1, 16);
        List<Object> out = decode(() -> new SecurityDecoder(true), input, byteWise);
        assertEquals(new RfbHandshake.SecurityTypeChosen(2), out.get(0));
        assertArrayEquals(response, ((RfbHandshake.VncAuthResponse) out.get(1)).response());

        assertEquals(
                List.of(new RfbHandshake.SecurityTypeChosen(1)),
                decode(() -> new SecurityDecoder(true), bytes(1), byteWise));
        List<Object> v33 = decode(() -> new SecurityDecoder(false), response, byteWise);
        assertArrayEquals(response, ((RfbHandshake.VncAuthResponse) v33.get(0)).response());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clientInit(boolean byteWise) {
        assertEquals(
                List.of(new RfbHandshake.ClientInit(true)),
                decode(ClientInitDecoder::new, bytes(1), byteWise));
        assertEquals(
                List.of(new RfbHandshake.ClientInit(false)),
                decode(ClientInitDecoder::new, bytes(0), byteWise));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyClientMessage(boolean byteWise) {
        var buf = Unpooled.buffer();
        buf.writeByte(0).writeZero(3);
        RgbFormats.RGB_565.write(buf);
        buf.writeByte(2).writeByte(0).writeShort(3).writeInt(16).writeInt(5).writeInt(-308);
        buf.writeByte(3).writeByte(1).writeShort(10).writeShort(20).writeShort(300).writeShort(400);
        buf.writeByte(4).writeByte(1).writeShort(0).writeInt(0x61);
        buf.writeByte(5).writeByte(5).writeShort(640).writeShort(480);
        buf.writeByte(6).writeZero(3).writeInt(5).writeBytes(ascii("hello"));
        buf.writeByte(251).writeByte(0).writeShort(800).writeShort(600).writeByte(1).writeByte(0);
        buf.writeZero(16);
        buf.writeByte(255).writeByte(0).writeShort(1).writeInt(0xff52).writeInt(0xc8);
        byte[] input = new byte[buf.readableBytes()];
        buf.readBytes(input);
        List<Object> out = decode(ClientMessageDecoder::new, input, byteWise);
        assertEquals(8, out.size(), out.toString());
        assertEquals(new RfbClientMessage.SetPixelFormat(RgbFormats.RGB_565), out.get(0));
        assertArrayEquals(
                new int[] {16, 5, -308}, ((RfbClientMessage.SetEncodings) out.get(1)).encodings());
        assertEquals(
                new RfbClientMessage.FramebufferUpdateRequest(true, 10, 20, 300, 400), out.get(2));
        assertEquals(new RfbClientMessage.KeyEvent(true, 0x61), out.get(3));
        assertEquals(new RfbClientMessage.PointerEvent(5, 640, 480), out.get(4));
        assertEquals(new RfbClientMessage.ClientCutText("hello"), out.get(5));
        assertEquals(new RfbClientMessage.SetDesktopSize(800, 600, 1), out.get(6));
        assertEquals(new RfbClientMessage.QemuKeyEvent(true, 0xff52, 0xc8), out.get(7));
    }

    @ParameterizedTest
    @ValueSource(longs = {0x80000000L, 0xffefffffL, ClientMessageDecoder.MAX_CUT_TEXT + 1L})
    void hugeCutTextIsRefusedWithoutAllocating(long length) {
        byte[] input =
                bytes(
                        6,
                        0,
                        0,
                        0,
                        (int) (length >>> 24),
                        (int) (length >>> 16),
                        (int) (length >>> 8),
                        (int) length,
                        'h',
                        'i');
        DecoderException e =
                assertThrows(
                        DecoderException.class,
                        () -> decode(ClientMessageDecoder::new, input, false));
        assertInstanceOf(RfbProtocolException.class, e.getCause());
        // A negative length is the Extended Clipboard form: its payload is minus that length.
        long claimed = length >= 0x80000000L ? 0x100000000L - length : length;
        assertTrue(e.getCause().getMessage().contains(Long.toString(claimed)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lyingSetEncodingsCountWaitsForTheRest(boolean byteWise) {
        // 65,535 claimed, 2 sent: nothing is decoded, nothing breaks.
        List<Object> out =
                decode(
                        ClientMessageDecoder::new,
                        bytes(2, 0, 0xff, 0xff, 0, 0, 0, 16, 0, 0, 0, 0),
                        byteWise);
        assertEquals(List.of(), out);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 149, 249, 254})
    void unknownMessageTypesAreRejected(int type) {
        DecoderException e =
                assertThrows(
                        DecoderException.class,
                        () -> decode(ClientMessageDecoder::new, bytes(type, 0, 0, 0), false));
        assertInstanceOf(RfbProtocolException.class, e.getCause());
    }

    @org.junit.jupiter.api.Test
    void partialMessageStaysBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientMessageDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes(5, 1, 0)));
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes(7, 0, 9)));
        assertEquals(new RfbClientMessage.PointerEvent(1, 7, 9), channel.readInbound());
        channel.finishAndReleaseAll();
    }
}

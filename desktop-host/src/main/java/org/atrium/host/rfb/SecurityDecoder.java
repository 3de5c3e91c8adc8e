package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads the security phase (RFC 6143 section 7.1.2 and 7.2.2): the client's chosen type (RFB 3.7
 * and 3.8 only) and, for VNC Authentication, its 16-byte response to the challenge.
 */
public final class SecurityDecoder extends ByteToMessageDecoder {
    static final int VNC_AUTH_RESPONSE_LENGTH = 16;

    private enum State {
        CHOICE,
        AUTH_RESPONSE,
        DONE
    }

    private State state;

    /**
     * @param clientChooses true for RFB 3.7/3.8 (the client sends a type byte); false for 3.3 with
     *     VNC Authentication, where the server chose and only the response follows
     */
    public SecurityDecoder(boolean clientChooses) {
        this.state = clientChooses ? State.CHOICE : State.AUTH_RESPONSE;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case CHOICE -> {
                if (!in.isReadable()) return;
                int type = in.readUnsignedByte();
                state = type == RfbSecurity.VNC_AUTH ? State.AUTH_RESPONSE : State.DONE;
                out.add(new RfbHandshake.SecurityTypeChosen(type));
            }
            case AUTH_RESPONSE -> {
                if (in.readableBytes() < VNC_AUTH_RESPONSE_LENGTH) return;
                byte[] response = new byte[VNC_AUTH_RESPONSE_LENGTH];
                in.readBytes(response);
                state = State.DONE;
                out.add(new RfbHandshake.VncAuthResponse(response));
            }
            case DONE -> {
                // The session swaps this decoder out; anything more before that is out of turn.
                if (in.isReadable()) {
                    throw new RfbProtocolException("data sent before the security result");
                }
            }
        }
    }
}

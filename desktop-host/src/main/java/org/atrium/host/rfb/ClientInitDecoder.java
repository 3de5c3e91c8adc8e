package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** Reads ClientInit (RFC 6143 section 7.3.1): one byte, the shared flag. */
public final class ClientInitDecoder extends ByteToMessageDecoder {
    private boolean done;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            if (in.isReadable()) throw new RfbProtocolException("data sent before ServerInit");
            return;
        }
        if (!in.isReadable()) return;
        done = true;
        out.add(new RfbHandshake.ClientInit(in.readUnsignedByte() != 0));
    }
}

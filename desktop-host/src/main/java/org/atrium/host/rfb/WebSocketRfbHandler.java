package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Turns an HTTP connection into RFB over a binary WebSocket (RFC 6455): the upgrade request is
 * admitted (token checked, VM found) before the handshake is answered, then the frames' payloads
 * are the RFB byte stream. Client frames must be masked and at most {@code maxFramePayload} bytes;
 * fragments are joined simply by forwarding each payload, since RFB is a stream.
 */
public final class WebSocketRfbHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(WebSocketRfbHandler.class.getName());
    static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REQUEST = 8192;

    private final WebSocketAdmission admission;
    private final int maxFramePayload;
    private ScheduledFuture<?> timer;
    private boolean busy;

    private WebSocketRfbHandler(WebSocketAdmission admission, int maxFramePayload) {
        this.admission = admission;
        this.maxFramePayload = maxFramePayload;
    }

    public static void install(
            ChannelPipeline pipeline, WebSocketAdmission admission, int maxFramePayload) {
        pipeline.addLast(new HttpServerCodec(4096, MAX_REQUEST, MAX_REQUEST));
        pipeline.addLast(new HttpObjectAggregator(MAX_REQUEST));
        pipeline.addLast("ws-upgrade", new WebSocketRfbHandler(admission, maxFramePayload));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // A client that never completes its upgrade request is dropped.
        timer =
                ctx.executor()
                        .schedule(
                                () -> {
                                    ctx.close();
                                },
                                UPGRADE_TIMEOUT.toMillis(),
                                TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) timer.cancel(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (busy) return; // one upgrade per connection; pipelined requests are ignored
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        if (request.method() != HttpMethod.GET
                || !request.headers()
                        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            respond(
                    ctx,
                    HttpResponseStatus.UPGRADE_REQUIRED,
                    "this endpoint serves WebSocket only");
            return;
        }
        busy = true;
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        FullHttpRequest retained = request.retainedDuplicate();
        ctx.channel().config().setAutoRead(false);
        admission
                .admit(uri.path(), uri.parameters())
                .whenComplete(
                        (decision, error) ->
                                ctx.executor()
                                        .execute(() -> decided(ctx, retained, decision, error)));
    }

    private void decided(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            WebSocketAdmission.Decision decision,
            Throwable error) {
        try {
            if (!ctx.channel().isActive()) return;
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "WebSocket admission failed", error);
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "admission check failed");
                return;
            }
            switch (decision) {
                case WebSocketAdmission.Refused r ->
                        respond(ctx, HttpResponseStatus.valueOf(r.status()), r.reason());
                case WebSocketAdmission.Admitted a -> upgrade(ctx, request, a);
            }
        } finally {
            request.release();
        }
    }

    private void upgrade(
            ChannelHandlerContext ctx, FullHttpRequest request, WebSocketAdmission.Admitted a) {
        WebSocketDecoderConfig config =
                WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxFramePayload)
                        .expectMaskedFrames(true)
                        .allowMaskMismatch(false)
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build();
        String url =
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, "binary", config).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        handshaker
                .handshake(ctx.channel(), request)
                .addListener(
                        f -> {
                            if (!f.isSuccess()) {
                                ctx.close();
                                return;
                            }
                            pipeline.addLast("ws-frames", new FrameHandler());
                            RfbSession.install(pipeline, a.target(), a.options());
                            pipeline.remove(this);
                            ctx.channel().config().setAutoRead(true);
                        });
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        status,
                        Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(
                System.Logger.Level.INFO,
                "WebSocket client {0} failed: {1}",
                ctx.channel(),
                cause.toString());
        ctx.close();
    }

    /** Binary and continuation payloads in, RFB bytes out as binary frames; control frames. */
    static final class FrameHandler extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof WebSocketFrame frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
            switch (frame) {
                case BinaryWebSocketFrame b -> ctx.fireChannelRead(b.content());
                case ContinuationWebSocketFrame c -> ctx.fireChannelRead(c.content());
                case PingWebSocketFrame p -> {
                    // Pongs for a client that does not read are dropped, not queued.
                    if (ctx.channel().isWritable()) {
                        ctx.writeAndFlush(new PongWebSocketFrame(p.content()));
                    } else {
                        p.release();
                    }
                }
                case PongWebSocketFrame p -> p.release();
                case CloseWebSocketFrame c -> {
                    c.release();
                    ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                default -> {
                    frame.release();
                    ctx.writeAndFlush(
                                    new CloseWebSocketFrame(
                                            WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                                            "RFB uses binary frames"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buf) {
                ctx.write(new BinaryWebSocketFrame(buf), promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }
}

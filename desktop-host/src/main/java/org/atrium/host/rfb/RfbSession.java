package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.input.KeyboardLedListener;

/**
 * One RFB client of one VM (RFC 6143 section 7): answers the handshake, swaps the phase decoders,
 * and sends framebuffer updates driven by the display's damage. All state is touched on the
 * channel's event loop except {@link #damage}, which the emulator thread fills through the display
 * listener. At most one update is in flight: the next is encoded only when the previous has been
 * written to the socket, so a slow client gets coalesced damage, never a growing queue.
 *
 * <p>Besides requested updates, a client may enable continuous updates for an area (the
 * ContinuousUpdates extension): the area is then treated as a standing incremental request, still
 * with one update in flight. Fences are answered in order; since every message is handled to
 * completion before the next, BlockBefore and BlockAfter hold by construction, and SyncNext delays
 * the answer until the following message has been handled.
 */
public final class RfbSession extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RfbSession.class.getName());
    static final String DECODER = "rfb-decoder";
    static final String SESSION = "rfb-session";

    private enum Phase {
        VERSION,
        SECURITY,
        INIT,
        NORMAL,
        CLOSED
    }

    private final RfbTarget target;
    private final RfbSessionOptions options;
    private final DamageRegion damage = new DamageRegion();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final DisplayListener listener =
            new DisplayListener() {
                @Override
                public void damaged(int x, int y, int w, int h) {
                    damage.add(new Rect(x, y, w, h));
                    schedule();
                }

                @Override
                public void resized(int width, int height) {
                    damage.add(new Rect(0, 0, width, height));
                    schedule();
                }
            };

    private final KeyboardLedListener ledListener =
            leds -> {
                ChannelHandlerContext c = this.ctx;
                c.executor()
                        .execute(
                                () -> {
                                    ledsChanged = true;
                                    trySend();
                                });
            };

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.VERSION;
    private int minor;
    private byte[] challenge;
    private ScheduledFuture<?> handshakeTimer;
    private PixelFormat format = PixelFormat.SERVER_DEFAULT;
    private final Set<Integer> encodings = new HashSet<>();
    private int preferredEncoding = RfbEncoding.RAW;
    private RfbClientMessage.FramebufferUpdateRequest pending;
    private boolean inFlight;
    private int clientWidth;
    private int clientHeight;
    private boolean announceExtendedSize;
    private boolean acknowledgeQemuKeys;
    private boolean refuseDesktopSize;
    private int refusalStatus;
    private boolean sendCursor;
    private boolean ledsChanged;
    private boolean continuousAnnounced;
    private boolean fenceAnnounced;
    private Rect continuous;
    private RfbClientMessage.Fence syncNextFence;
    private ZrleEncoder zrle;
    private TightEncoder tight;
    private int compressionLevel = 6;
    private int qualityLevel = -1;
    private final HextileEncoder hextile = new HextileEncoder();
    private final RawEncoder raw = new RawEncoder();

    public RfbSession(RfbTarget target, RfbSessionOptions options) {
        this.target = target;
        this.options = options;
    }

    /** Adds the RFB server handlers to a pipeline whose channel carries the RFB byte stream. */
    public static void install(ChannelPipeline pipeline, RfbTarget target, RfbSessionOptions opts) {
        pipeline.addLast(DECODER, new ProtocolVersionDecoder());
        pipeline.addLast(SESSION, new RfbSession(target, opts));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) start();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (handshakeTimer != null) return;
        long millis = options.handshakeTimeout().toMillis();
        handshakeTimer =
                ctx.executor()
                        .schedule(
                                () -> {
                                    if (phase != Phase.NORMAL && phase != Phase.CLOSED) {
                                        close("handshake not finished in " + millis + " ms");
                                    }
                                },
                                millis,
                                TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(ascii("RFB 003.008\n"));
        target.clients().add(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSED) return;
        switch (msg) {
            case RfbHandshake h -> handshake(h);
            case RfbClientMessage m -> message(m);
            default -> ctx.fireChannelRead(msg);
        }
    }

    private void handshake(RfbHandshake h) {
        switch (h) {
            case RfbHandshake.ClientVersion v when phase == Phase.VERSION -> {
                minor = v.minor();
                phase = Phase.SECURITY;
                int type = options.password() == null ? RfbSecurity.NONE : RfbSecurity.VNC_AUTH;
                ByteBuf out = ctx.alloc().buffer();
                if (minor == 3) {
                    out.writeInt(type); // RFB 3.3: the server decides
                    if (type == RfbSecurity.VNC_AUTH) {
                        writeChallenge(out);
                        ctx.pipeline().replace(DECODER, DECODER, new SecurityDecoder(false));
                    } else {
                        phase = Phase.INIT;
                        ctx.pipeline().replace(DECODER, DECODER, new ClientInitDecoder());
                    }
                } else {
                    out.writeByte(1).writeByte(type);
                    ctx.pipeline().replace(DECODER, DECODER, new SecurityDecoder(true));
                }
                ctx.writeAndFlush(out);
            }
            case RfbHandshake.SecurityTypeChosen s when phase == Phase.SECURITY -> {
                int offered = options.password() == null ? RfbSecurity.NONE : RfbSecurity.VNC_AUTH;
                if (s.type() != offered) {
                    fail("security type " + s.type() + " was not offered");
                } else if (s.type() == RfbSecurity.VNC_AUTH) {
                    ByteBuf out = ctx.alloc().buffer(16);
                    writeChallenge(out);
                    ctx.writeAndFlush(out);
                } else {
                    if (minor == 8) ctx.write(ctx.alloc().buffer(4).writeInt(0));
                    toInit();
                }
            }
            case RfbHandshake.VncAuthResponse r
                    when phase == Phase.SECURITY && challenge != null -> {
                if (RfbSecurity.vncAuthMatches(options.password(), challenge, r.response())) {
                    ctx.write(ctx.alloc().buffer(4).writeInt(0));
                    toInit();
                } else {
                    fail("VNC authentication failed");
                }
            }
            case RfbHandshake.ClientInit init when phase == Phase.INIT -> serverInit();
            default -> close("handshake message out of order: " + h);
        }
    }

    private void writeChallenge(ByteBuf out) {
        challenge = new byte[16];
        new SecureRandom().nextBytes(challenge);
        out.writeBytes(challenge);
    }

    private void toInit() {
        phase = Phase.INIT;
        ctx.pipeline().replace(DECODER, DECODER, new ClientInitDecoder());
        ctx.flush();
    }

    /** SecurityResult failed: RFB 3.8 adds a reason; 3.3 and 3.7 only the status. */
    private void fail(String reason) {
        ByteBuf out = ctx.alloc().buffer().writeInt(1);
        if (minor == 8) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length).writeBytes(text);
        }
        LOG.log(System.Logger.Level.INFO, "RFB client {0} refused: {1}", ctx.channel(), reason);
        phase = Phase.CLOSED;
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    private void serverInit() {
        handshakeTimer.cancel(false);
        clientWidth = target.display().width();
        clientHeight = target.display().height();
        byte[] name = target.name().getBytes(StandardCharsets.UTF_8);
        ByteBuf out = ctx.alloc().buffer(24 + name.length);
        out.writeShort(clientWidth).writeShort(clientHeight);
        format.write(out);
        out.writeInt(name.length).writeBytes(name);
        phase = Phase.NORMAL;
        ctx.pipeline().replace(DECODER, DECODER, new ClientMessageDecoder());
        ctx.writeAndFlush(out);
        target.display().addListener(listener);
        target.keyboard().addLedListener(ledListener);
    }

    private void message(RfbClientMessage m) {
        if (phase != Phase.NORMAL) {
            close("message before initialisation");
            return;
        }
        RfbClientMessage.Fence fence = syncNextFence;
        syncNextFence = null;
        handle(m);
        if (fence != null && phase == Phase.NORMAL) answerFence(fence);
    }

    private void handle(RfbClientMessage m) {
        switch (m) {
            case RfbClientMessage.SetPixelFormat p -> {
                var problem = p.format().problem();
                if (problem.isPresent()) {
                    close("illegal SetPixelFormat: " + problem.get());
                    return;
                }
                format = p.format();
                // The cursor's pixels are in the client's format: send them again.
                if (encodings.contains(RfbEncoding.CURSOR)) sendCursor = true;
            }
            case RfbClientMessage.SetEncodings e -> setEncodings(e.encodings());
            case RfbClientMessage.FramebufferUpdateRequest r -> {
                pending = r;
                if (!r.incremental()) {
                    damage.add(clip(new Rect(r.x(), r.y(), r.width(), r.height())));
                }
                trySend();
            }
            case RfbClientMessage.KeyEvent k -> {
                if (!options.viewOnly()) {
                    int code = KeysymScancodes.scancode(k.keysym());
                    if (code >= 0) target.keyboard().key(code, k.down());
                }
            }
            case RfbClientMessage.QemuKeyEvent k -> {
                if (!options.viewOnly()) {
                    int code =
                            k.keycode() != 0
                                    ? KeysymScancodes.fromQemuKeycode(k.keycode())
                                    : KeysymScancodes.scancode(k.keysym());
                    if (code > 0) target.keyboard().key(code, k.down());
                }
            }
            case RfbClientMessage.PointerEvent p -> {
                if (!options.viewOnly()) {
                    int x = Math.min(p.x(), Math.max(0, target.display().width() - 1));
                    int y = Math.min(p.y(), Math.max(0, target.display().height() - 1));
                    target.pointer().pointer(x, y, p.buttonMask());
                }
            }
            case RfbClientMessage.ClientCutText t -> {
                // The guest has no clipboard channel yet: the text is read and dropped.
            }
            case RfbClientMessage.ExtendedClipboardMessage x -> {
                // Not advertised and no guest clipboard: a checked, well-formed message is dropped.
            }
            case RfbClientMessage.Fence f -> {
                // Answers to the server's own Fence need nothing; requests are echoed.
                if ((f.flags() & RfbClientMessage.Fence.REQUEST) == 0) return;
                if ((f.flags() & RfbClientMessage.Fence.SYNC_NEXT) != 0) syncNextFence = f;
                else answerFence(f);
            }
            case RfbClientMessage.EnableContinuousUpdates c -> {
                if (c.enable()) {
                    continuous = new Rect(c.x(), c.y(), c.width(), c.height());
                    trySend();
                } else {
                    continuous = null;
                    // Written after any update in flight, so it really is the end.
                    ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(END_OF_CONTINUOUS_UPDATES));
                }
            }
            case RfbClientMessage.SetDesktopSize s -> {
                // The guest decides its resolution; tell the client so in the next update. A layout
                // with no area or no screen is invalid rather than merely prohibited.
                refuseDesktopSize = true;
                refusalStatus =
                        s.width() == 0 || s.height() == 0 || s.screens() == 0
                                ? ExtendedDesktopSizeEncoder.STATUS_INVALID_LAYOUT
                                : ExtendedDesktopSizeEncoder.STATUS_PROHIBITED;
                trySend();
            }
        }
    }

    static final int END_OF_CONTINUOUS_UPDATES = 150;
    static final int SERVER_FENCE = 248;
    private static final int FENCE_FLAGS =
            RfbClientMessage.Fence.BLOCK_BEFORE
                    | RfbClientMessage.Fence.BLOCK_AFTER
                    | RfbClientMessage.Fence.SYNC_NEXT;

    /** The answer keeps the flags this server honours and the payload, without Request. */
    private void answerFence(RfbClientMessage.Fence f) {
        writeFence(f.flags() & FENCE_FLAGS, f.payload());
    }

    private void writeFence(int flags, byte[] payload) {
        ByteBuf out = ctx.alloc().buffer(9 + payload.length);
        out.writeByte(SERVER_FENCE).writeZero(3).writeInt(flags);
        out.writeByte(payload.length).writeBytes(payload);
        ctx.writeAndFlush(out);
    }

    private void setEncodings(int[] list) {
        encodings.clear();
        preferredEncoding = RfbEncoding.RAW;
        compressionLevel = 6;
        qualityLevel = -1;
        boolean chosen = false;
        // The first encoding the server knows wins: the client's order is its preference.
        for (int e : list) {
            encodings.add(e);
            if (e >= RfbEncoding.QUALITY_LEVEL_0 && e <= RfbEncoding.QUALITY_LEVEL_9) {
                qualityLevel = e - RfbEncoding.QUALITY_LEVEL_0;
            } else if (e >= RfbEncoding.COMPRESS_LEVEL_0 && e <= RfbEncoding.COMPRESS_LEVEL_9) {
                compressionLevel = e - RfbEncoding.COMPRESS_LEVEL_0;
            }
            if (!chosen
                    && (e == RfbEncoding.TIGHT
                            || e == RfbEncoding.ZRLE
                            || e == RfbEncoding.HEXTILE
                            || e == RfbEncoding.RAW)) {
                preferredEncoding = e;
                chosen = true;
            }
        }
        // Telling the client the extension works lets it offer resizing (noVNC does).
        announceExtendedSize = encodings.contains(RfbEncoding.EXTENDED_DESKTOP_SIZE);
        // Clients send QEMU key events only after the server echoes the pseudo-encoding.
        acknowledgeQemuKeys = encodings.contains(RfbEncoding.QEMU_EXTENDED_KEY_EVENT);
        sendCursor = encodings.contains(RfbEncoding.CURSOR);
        ledsChanged = encodings.contains(RfbEncoding.QEMU_LED_STATE);
        // A server announces these extensions in answer to the first SetEncodings naming them:
        // ContinuousUpdates with EndOfContinuousUpdates, Fence with a Fence request of its own.
        if (encodings.contains(RfbEncoding.CONTINUOUS_UPDATES) && !continuousAnnounced) {
            continuousAnnounced = true;
            ctx.write(ctx.alloc().buffer(1).writeByte(END_OF_CONTINUOUS_UPDATES));
        }
        if (encodings.contains(RfbEncoding.FENCE) && !fenceAnnounced) {
            fenceAnnounced = true;
            writeFence(RfbClientMessage.Fence.REQUEST | FENCE_FLAGS, new byte[0]);
        }
        ctx.flush();
        trySend();
    }

    private Rect screen() {
        return new Rect(0, 0, target.display().width(), target.display().height());
    }

    private Rect clip(Rect r) {
        return r.intersect(screen());
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            ctx.executor()
                    .execute(
                            () -> {
                                scheduled.set(false);
                                trySend();
                            });
        }
    }

    /** Sends an update if one is requested, none is in flight and there is something to send. */
    private void trySend() {
        if (phase != Phase.NORMAL
                || inFlight
                || (pending == null && continuous == null)
                || !ctx.channel().isActive()) {
            return;
        }
        int width = target.display().width();
        int height = target.display().height();
        boolean extended = encodings.contains(RfbEncoding.EXTENDED_DESKTOP_SIZE);
        boolean sendSize =
                (extended || encodings.contains(RfbEncoding.DESKTOP_SIZE))
                        && (width != clientWidth || height != clientHeight);
        if (sendSize) damage.add(new Rect(0, 0, width, height));
        int knownWidth = sendSize ? width : clientWidth;
        int knownHeight = sendSize ? height : clientHeight;
        // A client that cannot resize keeps its size: only what both sizes share is sent.
        Rect visible = new Rect(0, 0, Math.min(width, knownWidth), Math.min(height, knownHeight));
        Rect requested =
                pending == null
                        ? continuous
                        : new Rect(pending.x(), pending.y(), pending.width(), pending.height());
        if (pending != null && continuous != null) requested = requested.union(continuous);
        Rect area = sendSize ? visible : requested.intersect(visible);
        List<Rect> rects = area.isEmpty() ? List.of() : damage.take(area);
        boolean announce = extended && (announceExtendedSize || refuseDesktopSize);
        boolean qemuKeys = acknowledgeQemuKeys;
        boolean cursor = sendCursor;
        boolean leds = ledsChanged && encodings.contains(RfbEncoding.QEMU_LED_STATE);
        if (rects.isEmpty() && !sendSize && !announce && !qemuKeys && !cursor && !leds) return;
        // Pixels are read before anything is encoded: if the emulator resized the surface
        // meanwhile, nothing has touched the zlib stream and the whole update is retried.
        List<int[]> pixels = new java.util.ArrayList<>(rects.size());
        try {
            for (Rect r : rects) {
                int[] p = new int[r.width() * r.height()];
                target.display().read(r.x(), r.y(), r.width(), r.height(), p, 0, r.width());
                pixels.add(p);
            }
        } catch (IndexOutOfBoundsException resizedMeanwhile) {
            for (Rect r : rects) damage.add(r.intersect(screen()));
            schedule();
            return;
        }
        clientWidth = knownWidth;
        clientHeight = knownHeight;

        boolean lastRect = encodings.contains(RfbEncoding.LAST_RECT);
        ByteBuf out = ctx.alloc().buffer();
        out.writeByte(0).writeByte(0); // FramebufferUpdate, padding
        PixelEncoder encoder = encoder();
        // Tight splits rectangles by their content: the count is patched in once they are out.
        int countAt = out.writerIndex();
        out.writeShort(0);
        int count =
                (sendSize || announce ? 1 : 0)
                        + (qemuKeys ? 1 : 0)
                        + (cursor ? 1 : 0)
                        + (leds ? 1 : 0);
        if (extended && (sendSize || announce)) {
            boolean refusal = refuseDesktopSize && !sendSize;
            new ExtendedDesktopSizeEncoder()
                    .encode(
                            refusal
                                    ? ExtendedDesktopSizeEncoder.REASON_THIS_CLIENT
                                    : ExtendedDesktopSizeEncoder.REASON_SERVER,
                            refusal ? refusalStatus : ExtendedDesktopSizeEncoder.STATUS_OK,
                            clientWidth,
                            clientHeight,
                            out);
        } else if (sendSize) {
            new DesktopSizeEncoder().encode(clientWidth, clientHeight, out);
        }
        announceExtendedSize = false;
        if (qemuKeys) {
            RfbEncoding.writeHeader(out, 0, 0, 0, 0, RfbEncoding.QEMU_EXTENDED_KEY_EVENT);
            acknowledgeQemuKeys = false;
        }
        refuseDesktopSize = false;
        if (cursor) {
            CursorEncoder.encode(format, out);
            sendCursor = false;
        }
        if (leds) {
            LedStateEncoder.encode(target.keyboard().leds(), out);
            ledsChanged = false;
        }
        for (int i = 0; i < rects.size(); i++)
            count += encoder.encode(rects.get(i), pixels.get(i), format, out);
        if (lastRect) {
            new LastRectEncoder().encode(out);
        } else if (count >= LastRectEncoder.UNKNOWN_COUNT) {
            // Cannot happen with the encoders' minimum piece sizes and a 16-bit screen.
            throw new IllegalStateException(count + " rectangles in one update");
        }
        out.setShort(countAt, lastRect ? LastRectEncoder.UNKNOWN_COUNT : count);
        pending = null;
        inFlight = true;
        ctx.writeAndFlush(out)
                .addListener(
                        f -> {
                            inFlight = false;
                            if (f.isSuccess()) {
                                trySend();
                            } else {
                                close("write failed: " + f.cause());
                            }
                        });
    }

    private PixelEncoder encoder() {
        return switch (preferredEncoding) {
            case RfbEncoding.ZRLE -> {
                if (zrle == null) zrle = new ZrleEncoder();
                zrle.configure(compressionLevel);
                yield zrle;
            }
            case RfbEncoding.TIGHT -> {
                if (tight == null) tight = new TightEncoder();
                tight.configure(compressionLevel, qualityLevel);
                yield tight;
            }
            case RfbEncoding.HEXTILE -> hextile;
            default -> raw;
        };
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason =
                cause instanceof DecoderException && cause.getCause() != null
                        ? cause.getCause()
                        : cause;
        if (reason instanceof RfbProtocolException) {
            close(reason.getMessage());
        } else if (reason instanceof DecoderException || reason instanceof java.io.IOException) {
            // Bad frames from a lower layer and resets are the client's doing, not ours.
            close(reason.toString());
        } else {
            LOG.log(System.Logger.Level.WARNING, "RFB client " + ctx.channel() + " failed", reason);
            close(String.valueOf(reason));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void close(String reason) {
        if (phase != Phase.CLOSED) {
            LOG.log(System.Logger.Level.INFO, "RFB client {0} closed: {1}", ctx.channel(), reason);
        }
        release();
        ctx.close();
    }

    private void release() {
        phase = Phase.CLOSED;
        target.display().removeListener(listener);
        target.keyboard().removeLedListener(ledListener);
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        if (zrle != null) {
            zrle.close();
            zrle = null;
        }
        if (tight != null) {
            tight.close();
            tight = null;
        }
        damage.clear();
    }

    private ByteBuf ascii(String s) {
        return ctx.alloc().buffer(s.length()).writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}

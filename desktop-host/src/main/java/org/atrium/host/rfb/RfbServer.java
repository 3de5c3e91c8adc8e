package org.atrium.host.rfb;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Netty listeners for RFB: raw TCP (one VM, for the {@code vm} command and trusted networks) and
 * RFB over WebSocket (VMs chosen by path, admitted by {@link WebSocketAdmission}). One event loop
 * group serves all listeners; the loops only decode, encode and copy, never block.
 */
public final class RfbServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();

    public RfbServer(int threads) {
        group = new NioEventLoopGroup(threads);
    }

    /** Serves {@code target} on a TCP port; returns the bound address (port 0 picks one). */
    public InetSocketAddress bindTcp(
            InetSocketAddress address, RfbTarget target, RfbSessionOptions options)
            throws InterruptedException {
        return bind(
                address,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
                        RfbSession.install(ch.pipeline(), target, options);
                    }
                });
    }

    /** Serves RFB over WebSocket; each upgrade request is checked by {@code admission}. */
    public InetSocketAddress bindWebSocket(
            InetSocketAddress address, WebSocketAdmission admission, int maxFramePayload)
            throws InterruptedException {
        return bind(
                address,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
                        WebSocketRfbHandler.install(ch.pipeline(), admission, maxFramePayload);
                    }
                });
    }

    private InetSocketAddress bind(
            InetSocketAddress address, ChannelInitializer<SocketChannel> init)
            throws InterruptedException {
        Channel channel =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(init)
                        .bind(address)
                        .sync()
                        .channel();
        listeners.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        for (Channel c : listeners) c.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}

package dev.geminigateway.egress;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A real forwarding proxy for tests, on Netty: it opens tunnels to the targets clients ask for and relays bytes both
 * ways. Host names in {@code hosts} are resolved by the proxy alone (to 127.0.0.1 and the given port): a client that
 * reached such a host can only have come through the proxy. Counts the tunnels it opened and the handshakes it
 * refused.
 */
abstract class ForwardingProxy implements AutoCloseable {

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, Integer> hosts;
    private final Channel server;
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<String> targets = new CopyOnWriteArrayList<>();

    ForwardingProxy(Map<String, Integer> hosts) {
        this.hosts = Map.copyOf(hosts);
        this.server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        handshake(channel);
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** Installs the handlers of the proxy protocol on a new client connection. */
    abstract void handshake(SocketChannel channel);

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Tunnels opened so far. */
    int tunnels() {
        return tunnels.get();
    }

    /** Handshakes refused so far (bad credentials). */
    int refusals() {
        return refusals.get();
    }

    /** {@code host:port} of every tunnel, as the client asked for it. */
    List<String> targets() {
        return List.copyOf(targets);
    }

    void refused() {
        refusals.incrementAndGet();
    }

    /**
     * Connects to the target; on success hands the outbound channel to {@code connected} (which answers the client)
     * and then relays, else calls {@code failed}. Reading from the client pauses meanwhile.
     */
    void open(Channel client, String host, int port, Consumer<Channel> connected, Runnable failed) {
        client.config().setAutoRead(false);
        Integer mapped = hosts.get(host);
        InetSocketAddress address = mapped != null ? new InetSocketAddress("127.0.0.1", mapped)
                : new InetSocketAddress(host, port);
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address)
                .addListener((ChannelFutureListener) future -> {
                    if (!future.isSuccess()) {
                        failed.run();
                        return;
                    }
                    Channel target = future.channel();
                    tunnels.incrementAndGet();
                    targets.add(host + ":" + port);
                    connected.accept(target);
                    target.pipeline().addLast(new Relay(client));
                    client.pipeline().addLast(new Relay(target));
                    target.config().setAutoRead(true);
                    client.config().setAutoRead(true);
                });
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully().syncUninterruptibly();
    }

    /** Copies what one side sends to the other; closes the other when one closes. */
    private static final class Relay extends ChannelInboundHandlerAdapter {

        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

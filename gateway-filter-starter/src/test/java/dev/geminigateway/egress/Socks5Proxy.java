package dev.geminigateway.egress;

import java.util.Map;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;

/** A SOCKS5 proxy (RFC 1928) that opens CONNECT tunnels, asking for a user name and password (RFC 1929). */
final class Socks5Proxy extends ForwardingProxy {

    private final String user;
    private final String password;

    Socks5Proxy(String user, String password, Map<String, Integer> hosts) {
        super(hosts);
        this.user = user;
        this.password = password;
    }

    @Override
    void handshake(SocketChannel channel) {
        channel.pipeline().addLast("encoder", Socks5ServerEncoder.DEFAULT)
                .addLast("decoder", new Socks5InitialRequestDecoder())
                .addLast("socks", new SimpleChannelInboundHandler<Socks5Message>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Socks5Message message) {
                        step(ctx, message);
                    }
                });
    }

    private void step(ChannelHandlerContext ctx, Socks5Message message) {
        if (message instanceof Socks5InitialRequest) {
            ctx.pipeline().replace("decoder", "decoder", new Socks5PasswordAuthRequestDecoder());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
        }
        else if (message instanceof Socks5PasswordAuthRequest auth) {
            if (!user.equals(auth.username()) || !password.equals(auth.password())) {
                refused();
                ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().replace("decoder", "decoder", new Socks5CommandRequestDecoder());
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        }
        else if (message instanceof Socks5CommandRequest command && command.type() == Socks5CommandType.CONNECT) {
            open(ctx.channel(), command.dstAddr(), command.dstPort(), outbound -> {
                ctx.pipeline().remove("decoder");
                ctx.pipeline().remove("socks");
                ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, command.dstAddrType(),
                        command.dstAddr(), command.dstPort()));
            }, () -> ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE,
                    command.dstAddrType())).addListener(ChannelFutureListener.CLOSE));
        }
        else {
            ctx.close();
        }
    }
}

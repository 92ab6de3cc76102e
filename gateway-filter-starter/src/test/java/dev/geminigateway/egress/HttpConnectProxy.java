package dev.geminigateway.egress;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/** An HTTP proxy that opens CONNECT tunnels for clients with the right Basic credentials (407 for the others). */
final class HttpConnectProxy extends ForwardingProxy {

    private final String expectedAuthorization;

    HttpConnectProxy(String user, String password, Map<String, Integer> hosts) {
        super(hosts);
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    void handshake(SocketChannel channel) {
        channel.pipeline().addLast("codec", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(16 * 1024))
                .addLast("connect", new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        connect(ctx, request);
                    }
                });
    }

    private void connect(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!HttpMethod.CONNECT.equals(request.method())) {
            answer(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED);
            return;
        }
        if (!expectedAuthorization.equals(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
            refused();
            answer(ctx, HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED);
            return;
        }
        String target = request.uri();
        int colon = target.lastIndexOf(':');
        open(ctx.channel(), target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), outbound -> {
            ctx.pipeline().remove("connect");
            ctx.pipeline().remove("aggregator");
            ctx.pipeline().remove("codec");
            ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 Connection established\r\n\r\n",
                    StandardCharsets.US_ASCII));
        }, () -> answer(ctx, HttpResponseStatus.BAD_GATEWAY));
    }

    private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        if (status == HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"egress\"");
        }
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}

package dev.muserving.lbbench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code netty-floor} target of {@code mu lb-bench}: the least an HTTP/1.1 proxy on Netty does,
 * to show what a request costs a JVM proxy before any of Mu's work. It decodes each request,
 * passes the decoded objects on to a backend chosen round robin (the request's header map itself,
 * not a copy), and the answer back, over keep-alive connections pooled per event loop as Mu's
 * balancers pool theirs. It has none of the activator-lb's features: no routing on load, no
 * retries, no limits, no {@code Mu-*} or {@code Forwarded} headers. Not a product: a measuring
 * stick, as {@code direct} is one for added latency (docs/dataplane.md, "How far a JVM proxy can go").
 *
 * <p>Environment: {@code MU_BACKENDS} (comma-separated {@code host:port}), {@code MU_BALANCERS}
 * (event loops, default 2). It listens on a free port of 127.0.0.1 and says so on its first line.
 */
public final class NettyFloorProxy implements AutoCloseable {

    private final List<InetSocketAddress> backends;
    private final EventLoopGroup loops;
    private final Channel server;
    /** Idle connections to each backend and the round-robin position, one set per event loop: no locks. */
    private final FastThreadLocal<Pools> pools = new FastThreadLocal<>() {
        @Override
        protected Pools initialValue() {
            return new Pools(backends.size());
        }
    };

    public NettyFloorProxy(List<InetSocketAddress> backends, int eventLoops) throws InterruptedException {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("netty-floor needs at least one backend");
        }
        this.backends = List.copyOf(backends);
        this.loops = new NioEventLoopGroup(eventLoops);
        this.server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new Front());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        String list = System.getenv("MU_BACKENDS");
        if (list == null || list.isBlank()) {
            System.err.println("netty-floor: set MU_BACKENDS to host:port,host:port,...");
            System.exit(2);
        }
        List<InetSocketAddress> backends = new ArrayList<>();
        for (String address : list.split(",")) {
            int colon = address.lastIndexOf(':');
            backends.add(InetSocketAddress.createUnresolved(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
        }
        NettyFloorProxy proxy = new NettyFloorProxy(backends, Integer.parseInt(System.getenv().getOrDefault("MU_BALANCERS", "2")));
        System.out.println("netty-floor: listening on 127.0.0.1:" + proxy.port());
        proxy.server.closeFuture().sync();
    }

    private static final class Pools {
        final List<ArrayDeque<Channel>> idle = new ArrayList<>();
        int next;

        Pools(int backends) {
            for (int i = 0; i < backends; i++) {
                idle.add(new ArrayDeque<>());
            }
        }
    }

    private static boolean isInformational(HttpResponse response) {
        return response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    private enum State { IDLE, CONNECTING, SENDING, AWAITING }

    /**
     * One client connection. A request's pieces go on to its backend as they come; pieces of a next
     * request that arrive before the answer has ended (pipelining) wait, so answers keep their order.
     */
    private final class Front extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<Object> waiting = new ArrayDeque<>();
        private State state = State.IDLE;
        private ChannelHandlerContext context;
        private Channel backend;
        private int backendIndex;
        /** The client asked for its connection to close after this answer (HTTP/1.0 or {@code Connection: close}). */
        private boolean closeAfterAnswer;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!waiting.isEmpty() || state == State.CONNECTING || state == State.AWAITING) {
                waiting.add(message);
            } else {
                handle(message);
            }
        }

        private void handle(Object message) {
            if (state == State.SENDING) {
                forward(message);
            } else if (message instanceof HttpRequest request) {
                start(request);
            } else {
                ReferenceCountUtil.release(message); // the rest of a request already answered early
            }
        }

        private void start(HttpRequest request) {
            closeAfterAnswer = !HttpUtil.isKeepAlive(request);
            // hop-by-hop headers end here, as at any proxy; an upgrade would take the connection to the backend
            request.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.UPGRADE).remove("HTTP2-Settings")
                    .remove(HttpHeaderNames.KEEP_ALIVE);
            Pools own = pools.get();
            backendIndex = own.next;
            own.next = (own.next + 1) % backends.size();
            Channel idle;
            while ((idle = own.idle.get(backendIndex).pollLast()) != null && !idle.isActive()) {
                // closed by the backend while idle
            }
            if (idle != null) {
                attach(idle);
                forward(request);
                return;
            }
            state = State.CONNECTING;
            ChannelFuture connecting = new Bootstrap().group(context.channel().eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new Back());
                        }
                    })
                    .connect(backends.get(backendIndex));
            connecting.addListener(done -> {
                if (!context.channel().isActive()) { // the client left while the proxy connected
                    ReferenceCountUtil.release(request);
                    connecting.channel().close();
                    return;
                }
                if (!done.isSuccess()) {
                    ReferenceCountUtil.release(request);
                    refuse();
                    return;
                }
                attach(connecting.channel());
                forward(request);
                drain();
            });
        }

        private void attach(Channel channel) {
            backend = channel;
            state = State.SENDING;
            ((Back) channel.pipeline().last()).front = this;
        }

        private void forward(Object message) {
            if (message instanceof LastHttpContent) {
                state = State.AWAITING;
                backend.writeAndFlush(message);
            } else {
                backend.write(message);
            }
        }

        /** The backend's answer has ended: its connection goes back to the pool, and the next request may go. */
        void answered(boolean keepAlive) {
            Channel used = backend;
            boolean requestSent = state == State.AWAITING; // an early answer leaves the rest of the body unsent
            backend = null;
            state = State.IDLE;
            if (keepAlive && requestSent) {
                pools.get().idle.get(backendIndex).addLast(used);
            } else {
                used.close();
            }
            drain();
        }

        private void drain() {
            while (!waiting.isEmpty() && (state == State.IDLE || state == State.SENDING)) {
                handle(waiting.poll());
            }
        }

        /** A piece of the answer; its head loses the backend's hop-by-hop headers and says whether the client's connection stays. */
        void write(Object message) {
            if (message instanceof HttpResponse response && !isInformational(response)) {
                response.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE);
                if (closeAfterAnswer) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
            }
            context.write(message);
        }

        /** The end of an answer, or of a 100 Continue before it. */
        void flush(Object last, boolean answerEnded) {
            if (answerEnded && closeAfterAnswer) {
                context.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
            } else {
                context.writeAndFlush(last);
            }
        }

        /** No backend would take the connection: 502, and the client's connection closes. */
        private void refuse() {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY,
                    Unpooled.copiedBuffer("netty-floor: the backend refused the connection\n", StandardCharsets.UTF_8));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        /** The backend closed its connection in the middle of an answer: the client's cannot be used either. */
        void backendLost() {
            backend = null;
            context.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            waiting.forEach(ReferenceCountUtil::release);
            waiting.clear();
            if (backend != null) {
                backend.close(); // an answer no one reads: the connection cannot be reused
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One connection to a backend: passes the answer's pieces to the client connection it serves. */
    private static final class Back extends ChannelInboundHandlerAdapter {
        private Front front;
        private boolean keepAlive;
        private boolean informational;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (front == null) {
                ReferenceCountUtil.release(message); // nothing was asked: the connection is out of step
                ctx.close();
                return;
            }
            if (message instanceof HttpResponse response) {
                informational = isInformational(response);
                keepAlive = HttpUtil.isKeepAlive(response);
            }
            if (!(message instanceof LastHttpContent)) {
                front.write(message);
            } else if (informational) {
                front.flush(message, false); // a 100 Continue: the answer itself is still to come
                informational = false;
            } else {
                Front served = front;
                front = null;
                served.flush(message, true);
                served.answered(keepAlive);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (front != null) {
                front.backendLost();
                front = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

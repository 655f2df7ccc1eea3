package dev.muserving.lbbench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An open-loop HTTP/1.1 load generator on one Netty event loop, for {@code mu lb-bench}: requests
 * are due on a fixed schedule whether or not earlier ones were answered, each goes out on an idle
 * keep-alive connection (a new one while fewer than the most allowed are open, else it waits for
 * one), and its latency counts from when it was due, so a target that falls behind is charged for
 * the wait (as wrk2 does). It exists because vegeta costs as much CPU per request as the backend it
 * loads (docs/results/lb-bench-pinned/generator-cost.txt): on a core shared with the backend, half of
 * wrk's rate from vegeta fills it. This one does the least a client can: a fixed request, written
 * once; the answer's status read and its body dropped.
 *
 * <p>Writes one line per request in the first three fields of vegeta's CSV (when it was sent, or
 * due if it never was, in ns since the epoch; status code or 0 for no answer; latency in ns from
 * when it was due), so {@link Vegeta.Results} reads both.
 */
public final class NettyOpenLoop {

    static final String READY = "mu open-loop: ready";
    static final String DONE = "done";
    /** A request unanswered this long fails, as vegeta's {@code -timeout} in lb-bench. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final double rps;
    private final Duration duration;
    private final int maxConnections;
    private final Duration timeout;

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final Bootstrap bootstrap;
    private final FullHttpRequest request;
    /** While a run lasts only the event loop touches what follows; {@link #run} reads the arrays after it. */
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
    private final long[] due;
    private final long[] sent;
    /** Whether a request was sent once more, after a reused connection closed under it. */
    private final boolean[] resent;
    private final int[] codes;
    private final long[] latencies;
    private int scheduled;
    private int finished;
    private int open;
    private long startNanos;
    private long epochOffset;
    private final CountDownLatch done = new CountDownLatch(1);

    public NettyOpenLoop(URI url, double rps, Duration duration, int maxConnections, Duration timeout) {
        this.url = url;
        this.rps = rps;
        this.duration = duration;
        this.maxConnections = maxConnections;
        this.timeout = timeout;
        int total = (int) Math.max(1, Math.round(rps * duration.toNanos() / 1e9));
        this.due = new long[total];
        this.sent = new long[total];
        this.resent = new boolean[total];
        this.codes = new int[total];
        this.latencies = new long[total];
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, url.getRawQuery() == null ? path : path + "?" + url.getRawQuery());
        request.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort());
        request.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new Answers());
                    }
                });
    }

    /** Sends every request, waits for every answer (or its time-out), and writes them to {@code csv}. */
    public void run(Path csv) throws IOException, InterruptedException {
        loop.execute(this::start);
        long limit = duration.plus(timeout).plusSeconds(5).toMillis();
        boolean all = done.await(limit, TimeUnit.MILLISECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int i = 0; i < scheduled; i++) {
                long latency = codes[i] == 0 && latencies[i] == 0 ? timeout.toNanos() : latencies[i];
                out.write(Long.toString(epochOffset + (sent[i] == 0 ? due[i] : sent[i])));
                out.write(',');
                out.write(Integer.toString(codes[i]));
                out.write(',');
                out.write(Long.toString(latency));
                out.write('\n');
            }
        }
        if (!all) {
            System.err.println("mu open-loop: " + (scheduled - finished) + " requests still unanswered at the end; written as failed");
        }
    }

    private void start() {
        startNanos = System.nanoTime();
        epochOffset = System.currentTimeMillis() * 1_000_000L - startNanos;
        // a tick every millisecond sends the requests due by then, each stamped with its own due time
        ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
        ticker[0] = loop.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            while (scheduled < due.length) {
                long when = startNanos + (long) (scheduled * 1e9 / rps);
                if (when > now) {
                    break;
                }
                due[scheduled] = when;
                send(scheduled++);
            }
            expire(now);
            if (finished == due.length) {
                ticker[0].cancel(false);
                done.countDown();
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
    }

    private void send(int index) {
        Channel channel = idle.pollFirst();
        if (channel != null) {
            write(channel, index);
            return;
        }
        waiting.addLast(index);
        if (open < maxConnections) {
            connect();
        }
    }

    /** One more connection; once open it takes the oldest waiting request. A refused one fails that request. */
    private void connect() {
        open++;
        bootstrap.connect(url.getHost(), url.getPort()).addListener((ChannelFutureListener) connected -> {
            if (connected.isSuccess()) {
                released(connected.channel());
                return;
            }
            open--;
            Integer first = waiting.pollFirst();
            if (first != null) {
                fail(first);
            }
        });
    }

    private void write(Channel channel, int index) {
        sent[index] = System.nanoTime();
        channel.attr(IN_FLIGHT).set(index);
        channel.writeAndFlush(request.retainedDuplicate());
    }

    /** A connection free again: the oldest waiting request goes on it, or it waits for the next. */
    private void released(Channel channel) {
        Integer next = waiting.pollFirst();
        if (next != null) {
            write(channel, next);
        } else {
            idle.addLast(channel);
        }
    }

    /** Requests waiting for a connection longer than the time-out fail, as a client's would. */
    private void expire(long now) {
        while (!waiting.isEmpty() && now - due[waiting.peekFirst()] > timeout.toNanos()) {
            fail(waiting.pollFirst());
        }
    }

    private void complete(int index, int code) {
        codes[index] = code;
        latencies[index] = System.nanoTime() - due[index];
        finished++;
    }

    private void fail(int index) {
        complete(index, 0);
    }

    private static final AttributeKey<Integer> IN_FLIGHT = AttributeKey.valueOf("muOpenLoopInFlight");

    /**
     * One connection's answers. Like the clients it stands for (Go's, which vegeta uses, and the
     * browsers), it closes a connection whose answer says {@code Connection: close} (nginx does on
     * a connection's 1,000th request), and sends a request once more on a new connection when a
     * reused one closed before any of its answer came: the server closed it as the request was
     * written, and never saw it.
     */
    private final class Answers extends ChannelInboundHandlerAdapter {
        private int status;
        private boolean answering;
        private boolean keepAlive;
        private int served;

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            try {
                if (message instanceof HttpResponse response) {
                    status = response.status().code();
                    keepAlive = HttpUtil.isKeepAlive(response);
                    answering = true;
                }
                if (message instanceof LastHttpContent) {
                    answering = false;
                    served++;
                    Integer index = context.channel().attr(IN_FLIGHT).getAndSet(null);
                    if (index != null) {
                        complete(index, status);
                    }
                    if (keepAlive) {
                        released(context.channel());
                    } else {
                        context.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            open--;
            idle.remove(context.channel());
            Integer index = context.channel().attr(IN_FLIGHT).getAndSet(null);
            if (index != null) {
                if (served > 0 && !answering && !resent[index]) {
                    resent[index] = true;
                    waiting.addFirst(index);
                } else {
                    fail(index);
                }
            }
            if (!waiting.isEmpty() && open < maxConnections) {
                connect();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }

    /**
     * A generator that stays up, so its code is compiled once for every run (a fresh JVM per run
     * spends its first seconds compiling, on the core it shares with the backend). It says
     * {@link #READY} on its first line, then reads one run per line from standard input, {@code URL
     * RPS SECONDS MAX-CONNECTIONS OUTPUT}, and says {@code done} when a run's file is written.
     */
    public static void main(String[] args) throws Exception {
        System.out.println(READY);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] run = line.trim().split(" ");
            new NettyOpenLoop(URI.create(run[0]), Double.parseDouble(run[1]), Duration.ofSeconds(Long.parseLong(run[2])),
                    Integer.parseInt(run[3]), TIMEOUT).run(Path.of(run[4]));
            System.out.println(DONE);
        }
    }
}

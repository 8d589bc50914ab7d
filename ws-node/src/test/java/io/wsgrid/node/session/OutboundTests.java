package io.wsgrid.node.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.Kind;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out path on embedded channels. Overflow (4008) needs a stalled socket, which an embedded channel cannot
 * imitate (it flushes after every write), so {@code SlowConsumerIT} covers it over real sockets.
 */
class OutboundTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Outbound outbound(int maxFrames) {
        SessionProperties properties = new Binder(new MapConfigurationPropertySource(
                java.util.Map.of("wsgrid.node.session.outbound-queue-frames", String.valueOf(maxFrames))))
                .bindOrCreate("wsgrid.node.session", Bindable.of(SessionProperties.class));
        return new Outbound(new NodeMetrics(registry), properties);
    }

    private static ByteBuf frame(String text) {
        return Frames.text(ByteBufAllocator.DEFAULT, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oneEncodedFrameReachesEverySessionAndIsReleasedAfterwards() {
        Outbound outbound = outbound(1024);
        EmbeddedChannel ch1 = new EmbeddedChannel();
        EmbeddedChannel ch2 = new EmbeddedChannel();
        int loop = outbound.register(ch1.eventLoop());
        Session s1 = TestSessions.create("t", "a", ch1, loop);
        Session s2 = TestSessions.create("t", "b", ch2, outbound.register(ch2.eventLoop()));
        ByteBuf frame = frame("hello");

        assertThat(outbound.dispatchBroadcast(new Session[][] {{s1}, null, {s2}}, frame, System.nanoTime())).isEqualTo(2);
        ch1.runPendingTasks();
        ch2.runPendingTasks();

        ByteBuf out1 = ch1.readOutbound();
        ByteBuf out2 = ch2.readOutbound();
        assertThat(Frames.payload(out1)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(Frames.payload(out2)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        out1.release();
        out2.release();
        assertThat(frame.refCnt()).isZero();
        assertThat(registry.counter("wsgrid.deliveries", "kind", "broadcast").count()).isEqualTo(2);
    }

    @Test
    void aFrameForOneSessionGoesOutItselfAndIsReleasedAfterwards() {
        Outbound outbound = outbound(1024);
        EmbeddedChannel channel = new EmbeddedChannel();
        Session session = TestSessions.create("t", "a", channel, outbound.register(channel.eventLoop()));
        ByteBuf frame = frame("only you");

        outbound.dispatchUser(new Session[] {session}, frame, 0, null, System.nanoTime());
        channel.runPendingTasks();
        channel.flush();

        ByteBuf out = channel.readOutbound();
        assertThat(out).as("no copy, no duplicate").isSameAs(frame);
        assertThat(Frames.payload(out)).isEqualTo("only you".getBytes(StandardCharsets.UTF_8));
        out.release();
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void streamMessagesLeaveInTheOrderTheyWerePassedOnEvenWhenTheLaterOneIsPassedOnFromTheSessionsLoop() throws Exception {
        Outbound outbound = outbound(1024);
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            EmbeddedChannel channel = new EmbeddedChannel();
            Session session = TestSessions.create("t", "a", channel, outbound.register(loop));
            loop.submit(() -> {
                // Offset 6 is passed on from another thread while the session's loop is busy (its task waits in the
                // loop's queue), then offset 7 from the loop itself, as a REST call served on that loop would.
                Thread other = Thread.ofPlatform().start(() -> outbound.dispatchUser(new Session[] {session}, frame("six"), 6, "e", 0));
                other.join();
                outbound.dispatchUser(new Session[] {session}, frame("seven"), 7, "e", 0);
                return null;
            }).get(5, TimeUnit.SECONDS);

            List<String> written = loop.submit(() -> {
                channel.flush(); // this plain loop never runs the writer's end-of-iteration flush
                List<String> out = new ArrayList<>();
                for (ByteBuf buf; (buf = channel.readOutbound()) != null;) {
                    out.add(new String(Frames.payload(buf), StandardCharsets.UTF_8));
                    buf.release();
                }
                return out;
            }).get(5, TimeUnit.SECONDS);
            assertThat(written).containsExactly("six", "seven");
        }
        finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}

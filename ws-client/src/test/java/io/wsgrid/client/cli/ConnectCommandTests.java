package io.wsgrid.client.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.wsgrid.client.support.ScriptedServer;
import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectCommandTests {

    @Test
    void printsEveryMessageAndSaysOnStderrWhichStreamsAReconnectCouldNotRecover() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Its own thread, not the common pool: the JDK's WebSocket needs the common pool (one worker on two cores)
        // while the command blocks until the session ends. Interrupting it on the way out ends a failed run.
        ExecutorService cli = Executors.newSingleThreadExecutor();
        try (ScriptedServer server = new ScriptedServer()) {
            Future<Integer> exit = cli.submit(() -> Main.commandLine()
                    .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                    .execute("connect", "--url", server.url().toString(), "--user", "alice", "--group", "news"));

            ScriptedServer.Session first = server.nextSession();
            first.send(new ServerMessage.Connected("s1", "alice", "node1", 25, new StreamPosition(1, "E")));
            assertThat(first.next()).isEqualTo(new ClientMessage.Join("news"));
            first.send(new ServerMessage.Joined("news", new StreamPosition(0, "G")));
            first.send(new ServerMessage.Delivery("m1", null, new Target.User("alice"), RawJson.of("{\"n\":1}"), 5L, new StreamPosition(2, "E")));
            first.close(1012);

            ScriptedServer.Session second = server.nextSession();
            second.send(new ServerMessage.Connected("s2", "alice", "node2", 25, new StreamPosition(0, "F")));
            assertThat(second.next()).isInstanceOf(ClientMessage.Resume.class);
            second.send(new ServerMessage.Resumed(false, Map.of("news", false)));
            second.close(4500);

            assertThat(exit.get(ScriptedServer.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        }
        finally {
            cli.shutdownNow();
        }
        assertThat(out.toString().lines()).hasSize(5).anySatisfy(line -> assertThat(line).contains("\"data\":{\"n\":1}"))
                .last().asString().contains("\"type\":\"resumed\"");
        assertThat(err.toString().lines()).containsExactly(
                "closed 1012 (scripted), reconnecting",
                "not recovered after reconnect: user stream, group news (messages sent while disconnected may be missing)",
                "closed 4500 (scripted)");
    }
}

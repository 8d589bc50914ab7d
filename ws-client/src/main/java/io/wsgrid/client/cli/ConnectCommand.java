package io.wsgrid.client.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.wsgrid.client.StreamRecovery;
import io.wsgrid.client.WsGridClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Open a WebSocket session and print every frame it receives, one JSON object per line.",
                "Reconnects with backoff like any wsgrid client and resumes its streams; status goes to stderr,",
                "including a line for each stream whose messages could not be recovered. Stop with Ctrl-C.", "",
                "Example: ws-client connect --url ws://localhost:8080/ws --user alice --group news"})
final class ConnectCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "WebSocket URL of a gateway or node, e.g. ws://localhost:8080/ws")
    URI url;

    @Option(names = "--user", description = "user id (for clusters with auth mode none)")
    String user;

    @Option(names = "--token", description = "JWT to authenticate with (instead of --user)")
    String token;

    @Option(names = "--tenant", description = "tenant (default: the server's default)")
    String tenant;

    @Option(names = "--group", description = "group to join; repeat for several")
    List<String> groups = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((user == null) == (token == null)) {
            err.println("give exactly one of --user or --token");
            return 2;
        }
        CountDownLatch done = new CountDownLatch(1);
        WsGridClient.Builder builder = WsGridClient.builder().url(url).tenant(tenant)
                .onFrame(frame -> {
                    out.println(frame);
                    out.flush();
                })
                .onRecovery(recovery -> {
                    String lost = describeLoss(recovery);
                    if (lost != null) {
                        err.println(lost);
                        err.flush();
                    }
                })
                .onError(error -> {
                    err.println("error: " + error);
                    err.flush();
                })
                .onClose((code, reason, again) -> {
                    err.println("closed " + code + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")")
                            + (again ? ", reconnecting" : ""));
                    err.flush();
                    if (!again) {
                        done.countDown();
                    }
                });
        WsGridClient client = (user != null ? builder.user(user) : builder.token(token)).build();
        groups.forEach(client::join);
        Thread hook = new Thread(client::close);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            client.connect().exceptionally(e -> null);
            done.await();
        }
        finally {
            client.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running already.
            }
        }
        return 1;
    }

    /** One stderr line naming the streams a reconnect could not recover, or null when nothing was lost. */
    static String describeLoss(StreamRecovery recovery) {
        if (recovery.complete()) {
            return null;
        }
        List<String> streams = new ArrayList<>();
        if (!recovery.user()) {
            streams.add("user stream");
        }
        recovery.lostGroups().forEach(g -> streams.add("group " + g));
        return "not recovered after reconnect: " + String.join(", ", streams)
                + " (messages sent while disconnected may be missing)";
    }
}

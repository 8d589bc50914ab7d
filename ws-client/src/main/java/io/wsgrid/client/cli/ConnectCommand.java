package io.wsgrid.client.cli;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

import io.wsgrid.client.WsGridClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Open a WebSocket session and print every frame it receives, one JSON object per line.",
                "Reconnects with backoff like any wsgrid client; status goes to stderr. Stop with Ctrl-C.", "",
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

    @Override
    public Integer call() throws Exception {
        if ((user == null) == (token == null)) {
            System.err.println("give exactly one of --user or --token");
            return 2;
        }
        CountDownLatch done = new CountDownLatch(1);
        WsGridClient.Builder builder = WsGridClient.builder().url(url).tenant(tenant)
                .onFrame(frame -> {
                    System.out.println(frame);
                    System.out.flush();
                })
                .onClose((code, reason, again) -> {
                    System.err.println("closed " + code + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")")
                            + (again ? ", reconnecting" : ""));
                    if (!again) {
                        done.countDown();
                    }
                });
        WsGridClient client = (user != null ? builder.user(user) : builder.token(token)).build();
        groups.forEach(client::join);
        Runtime.getRuntime().addShutdownHook(new Thread(client::close));
        client.connect().exceptionally(e -> null);
        done.await();
        return 1;
    }
}

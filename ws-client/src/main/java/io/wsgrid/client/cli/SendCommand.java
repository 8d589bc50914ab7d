package io.wsgrid.client.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send a message through the REST API and print the answer.", "",
                "Examples:",
                "  ws-client send --user bob --data '{\"hi\":1}'",
                "  ws-client send --group news --data '\"breaking\"' --url http://localhost:8080"})
final class SendCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--user", description = "send to every session of this user (queued when offline)")
        String user;

        @Option(names = "--group", description = "send to every session in this group")
        String group;

        @Option(names = "--broadcast", description = "send to everyone in the tenant")
        boolean broadcast;
    }

    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(names = "--data", required = true, description = "the payload: any JSON value")
    String data;

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "REST base URL of a gateway or node (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--tenant", description = "tenant (X-Tenant)")
    String tenant;

    @Option(names = "--api-key", description = "the tenant's API key (X-Api-Key), when auth is on")
    String apiKey;

    @Override
    public Integer call() throws Exception {
        String body = "{\"data\":" + data + "}";
        if (ProtocolCodec.INSTANCE.decodeDataEnvelope(body.getBytes(StandardCharsets.UTF_8)) instanceof DecodeResult.Invalid<?> invalid) {
            System.err.println("--data is not valid JSON: " + invalid.detail() + " (quote strings: '\"text\"')");
            return 2;
        }
        String path = target.user != null ? "/api/v1/users/" + encode(target.user) + "/messages"
                : target.group != null ? "/api/v1/groups/" + encode(target.group) + "/messages" : "/api/v1/broadcast";
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (tenant != null) {
            request.header("X-Tenant", tenant);
        }
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        System.out.println(response.body());
        if (response.statusCode() / 100 != 2) {
            System.err.println("HTTP " + response.statusCode());
            return 1;
        }
        return 0;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

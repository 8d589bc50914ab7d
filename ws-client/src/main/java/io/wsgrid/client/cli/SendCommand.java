package io.wsgrid.client.cli;

import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send a message through the REST API and print the answer.", "",
                "Examples:",
                "  ws-client send --user bob --data '{\"hi\":1}'",
                "  ws-client send --users bob,carol --data '\"lunch?\"'",
                "  ws-client send --group news --data '\"breaking\"' --url http://localhost:8080",
                "  ws-client send --session 0193... --data '{\"only\":\"this tab\"}'"})
final class SendCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--user", description = "send to every session of this user (queued when offline)")
        String user;

        @Option(names = "--users", split = ",", description = "send to several users in one batch call, e.g. a,b,c")
        List<String> users;

        @Option(names = "--group", description = "send to every session in this group")
        String group;

        @Option(names = "--session", description = "send to one session (its id from the connected frame)")
        String session;

        @Option(names = "--broadcast", description = "send to everyone in the tenant")
        boolean broadcast;
    }

    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(names = "--data", required = true, description = "the payload: any JSON value")
    String data;

    @Mixin
    RestOptions rest;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String body = "{\"data\":" + data + "}";
        if (ProtocolCodec.INSTANCE.decodeDataEnvelope(body.getBytes(StandardCharsets.UTF_8)) instanceof DecodeResult.Invalid<?> invalid) {
            err.println("--data is not valid JSON: " + invalid.detail() + " (quote strings: '\"text\"')");
            return 2;
        }
        String path;
        if (target.users != null) {
            if (target.users.isEmpty() || target.users.stream().anyMatch(String::isBlank)) {
                err.println("--users needs one or more user ids, comma-separated");
                return 2;
            }
            path = "/api/v1/batch";
            body = "{\"messages\":[{\"users\":[" + target.users.stream().map(Json::quote).collect(Collectors.joining(","))
                    + "],\"data\":" + data + "}]}";
        }
        else {
            path = target.user != null ? "/api/v1/users/" + RestOptions.segment(target.user) + "/messages"
                    : target.group != null ? "/api/v1/groups/" + RestOptions.segment(target.group) + "/messages"
                    : target.session != null ? "/api/v1/sessions/" + RestOptions.segment(target.session) + "/messages"
                    : "/api/v1/broadcast";
        }
        HttpRequest.Builder request = rest.request(path);
        request.POST(RestOptions.json(body, request));
        HttpResponse<String> response = RestOptions.send(request.build());
        out.println(response.body());
        out.flush();
        if (response.statusCode() == 404 && target.session != null) {
            err.println("session " + target.session + " not found: it is closed or never existed");
            return 1;
        }
        if (response.statusCode() / 100 != 2) {
            err.println("HTTP " + response.statusCode());
            return 1;
        }
        if (target.users != null) {
            List<String> errors = Json.batchErrors(response.body());
            if (!errors.isEmpty()) {
                err.println(errors.size() + " of the recipients failed: " + String.join("; ", errors));
                return 1;
            }
        }
        return 0;
    }
}

package io.wsgrid.client.cli;

import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "online", mixinStandardHelpOptions = true,
        description = {"List the users of a tenant who are online anywhere in the cluster, one per line.",
                "Follows the paging cursors of GET /api/v1/users to the end.", "",
                "Example: ws-client online --url http://localhost:8080 --tenant acme --api-key KEY"})
final class OnlineCommand implements Callable<Integer> {

    @Option(names = "--limit", defaultValue = "100", description = "users per page (default: ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    RestOptions rest;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 1) {
            err.println("--limit must be at least 1");
            return 2;
        }
        String cursor = null;
        do {
            String path = "/api/v1/users?limit=" + limit + (cursor == null ? "" : "&cursor=" + RestOptions.segment(cursor));
            HttpResponse<String> response = RestOptions.send(rest.request(path).GET().build());
            if (response.statusCode() != 200) {
                err.println("HTTP " + response.statusCode() + ": " + response.body());
                return 1;
            }
            Json.UsersPage page;
            try {
                page = Json.usersPage(response.body());
            }
            catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 1;
            }
            page.users().forEach(out::println);
            out.flush();
            if (page.cursor() != null && page.cursor().equals(cursor)) {
                err.println("the server answered the same cursor again (" + cursor + "); stopping");
                return 1;
            }
            cursor = page.cursor();
        }
        while (cursor != null);
        return 0;
    }
}

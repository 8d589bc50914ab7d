package io.wsgrid.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ws-client.jar}. */
@Command(name = "ws-client", mixinStandardHelpOptions = true, version = "wsgrid ws-client 0.1",
        description = "Talk to a wsgrid cluster from the terminal: connect, send, online, bench.",
        subcommands = {ConnectCommand.class, SendCommand.class, OnlineCommand.class, BenchCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The CLI; a failure such as an unreachable server is one line on stderr, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            String detail = e.getMessage() != null ? e.getMessage() : e.getCause() != null ? String.valueOf(e.getCause()) : "";
            cmd.getErr().println("error: " + e.getClass().getSimpleName() + (detail.isEmpty() ? "" : ": " + detail));
            return 1;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

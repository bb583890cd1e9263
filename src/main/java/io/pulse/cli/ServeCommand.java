package io.pulse.cli;

import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueException;
import io.pulse.server.ApiTokens;
import io.pulse.server.QueueServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the CS queue over HTTP: a JSON API under /api (bearer tokens) and a page for CSMs at /.")
final class ServeCommand implements Callable<Integer> {
    static final String TOKENS_ENV = "PULSE_API_TOKENS";

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; the server speaks plain"
                    + " HTTP, so put a TLS proxy in front before listening on 0.0.0.0).")
    String host;

    @Option(names = "--sink", defaultValue = DemoCommand.DEFAULT_SINK,
            description = "JDBC URL of the queue (default: ${DEFAULT-VALUE}, the demo's).")
    String sink;

    @Option(names = "--token", paramLabel = "AGENT:TOKEN",
            description = "An API token and the person it acts as (repeatable; prefer --tokens-file or "
                    + TOKENS_ENV + ": a command line is visible to other users of the machine).")
    List<String> tokens = List.of();

    @Option(names = "--tokens-file", paramLabel = "FILE",
            description = "A file of AGENT:TOKEN lines (# comments allowed).")
    Path tokensFile;

    @Option(names = "--connections", defaultValue = "8",
            description = "Database connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Override
    public Integer call() throws Exception {
        Reachability.freePort("--port", "--host", host, port);
        if (connections < 1) {
            throw CliFailure.usage("--connections must be at least 1, got " + connections);
        }
        if (tokensFile != null) {
            Args.existingFile("--tokens-file", tokensFile, "tokens file", "one AGENT:TOKEN a line");
        }
        ApiTokens apiTokens;
        try {
            apiTokens = ApiTokens.of(tokens, "--token")
                    .and(ApiTokens.of(ApiTokens.split(System.getenv(TOKENS_ENV)), TOKENS_ENV));
            if (tokensFile != null) {
                apiTokens = apiTokens.and(ApiTokens.of(ApiTokens.readFile(tokensFile), tokensFile.toString()));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("pulse serve: " + e.getMessage());
            return 2;
        }
        if (apiTokens.isEmpty()) {
            System.err.println("pulse serve: give at least one token (--token, --tokens-file or " + TOKENS_ENV + ")");
            return 2;
        }
        Reachability.database("--sink", sink, false);
        ActionQueue queue;
        try {
            queue = ActionQueue.open(sink, connections, Clock.systemUTC());
        } catch (QueueException e) {
            System.err.println("pulse serve: " + e.getMessage());
            return 1;
        }
        try (queue; QueueServer server = QueueServer.start(queue, apiTokens, host, port)) {
            System.out.printf("Serving the queue %s on http://%s:%d/ (API under /api, %s); Ctrl-C stops%n",
                    sink, host, server.port(), apiTokens);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}

package io.pulse.cli;

import io.pulse.live.EventPublisher;
import io.pulse.live.KafkaTopic;
import io.pulse.live.LiveDefaults;
import io.pulse.live.LiveEventFormat;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueException;
import io.pulse.server.ApiTokens;
import io.pulse.server.ApiTokens.Role;
import io.pulse.server.EventIngest;
import io.pulse.server.QueueServer;
import picocli.CommandLine.Command;
import io.pulse.actions.SinkDatabase;
import io.pulse.notifications.Notifier;
import io.pulse.notifications.NotifierLoop;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the CS queue over HTTP: a JSON API under /api (bearer tokens) and a page for CSMs at /.",
                "With an ingest token, also take live events: POST /api/events with JSON lines (one event a line,"
                        + " all or nothing: 202 once published to --events, 400 listing the bad lines and publishing"
                        + " none). Queue tokens (--token) work the queue only, ingest tokens (--ingest-token) send"
                        + " events only: 403 otherwise.",
                "A queue token is an agent's (NAME:TOKEN: their own claimed actions and unclaimed ones) unless it"
                        + " starts with a role word: 'lead NAME:TOKEN' or 'admin NAME:TOKEN' may also release, finish,"
                        + " snooze or dismiss anyone's claimed action.",
                "Every second, the server also delivers the queue's notifications to their webhooks (targets set"
                        + " with pulse queue notify)."})
final class ServeCommand implements Callable<Integer> {
    static final String TOKENS_ENV = "PULSE_API_TOKENS";
    static final String INGEST_TOKENS_ENV = "PULSE_INGEST_TOKENS";

    @Option(names = "--rules", defaultValue = "rules", paramLabel = "DIR",
            description = "The rule pack whose band thresholds customers' story charts show (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; the server speaks plain"
                    + " HTTP, so put a TLS proxy in front before listening on 0.0.0.0).")
    String host;

    @Option(names = "--sink", defaultValue = DemoCommand.DEFAULT_SINK,
            description = "JDBC URL of the queue (default: ${DEFAULT-VALUE}, the demo's).")
    String sink;

    @Option(names = "--token", paramLabel = "[ROLE ]AGENT:TOKEN",
            description = "A queue token and the person it acts as, an agent's; 'lead AGENT:TOKEN' or"
                    + " 'admin AGENT:TOKEN' for a lead's or admin's (repeatable; prefer --tokens-file or "
                    + TOKENS_ENV + ": a command line is visible to other users of the machine).")
    List<String> tokens = List.of();

    @Option(names = "--tokens-file", paramLabel = "FILE",
            description = "A file of AGENT:TOKEN lines, queue tokens (# comments allowed); a line"
                    + " 'lead AGENT:TOKEN' or 'admin AGENT:TOKEN' gives a lead's or admin's.")
    Path tokensFile;

    @Option(names = "--ingest-token", paramLabel = "NAME:TOKEN",
            description = "A token that may only send events (POST /api/events), and the sender it names (repeatable;"
                    + " prefer --ingest-tokens-file or " + INGEST_TOKENS_ENV + "). Without any the server takes no"
                    + " events.")
    List<String> ingestTokens = List.of();

    @Option(names = "--ingest-tokens-file", paramLabel = "FILE",
            description = "A file of NAME:TOKEN lines, ingest tokens (# comments allowed).")
    Path ingestTokensFile;

    @Option(names = "--events", paramLabel = "DIR|kafka://HOST:PORT/TOPIC", defaultValue = DemoCommand.DEFAULT_EVENTS,
            description = "Where POST /api/events publishes: the directory or Kafka topic `pulse live --events` reads"
                    + " (default: ${DEFAULT-VALUE}). Used only with an ingest token.")
    String events;

    @Option(names = "--max-line-bytes", defaultValue = "65536",
            description = "Events in longer lines are refused, as `pulse live` dead-letters them"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxLineBytes;

    @Option(names = "--max-clock-ahead", defaultValue = LiveDefaults.MAX_CLOCK_AHEAD,
            description = "Events stamped further ahead of the wall clock are refused, as `pulse live` dead-letters"
                    + " them (default: ${DEFAULT-VALUE}).")
    Duration maxClockAhead;

    @Option(names = "--connections", defaultValue = "8",
            description = "Database connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Override
    public Integer call() throws Exception {
        Reachability.freePort("--port", "--host", host, port);
        if (connections < 1) {
            throw CliFailure.usage("--connections must be at least 1, got " + connections);
        }
        ApiTokens apiTokens = apiTokens();
        EventIngest ingest = apiTokens.has(Role.INGEST) ? ingest() : null;
        Reachability.database("--sink", sink, false);
        ActionQueue queue;
        try {
            queue = ActionQueue.open(sink, connections, Clock.systemUTC());
        } catch (QueueException e) {
            System.err.println("pulse serve: " + e.getMessage());
            return 1;
        }
        Notifier notifier = new Notifier(SinkDatabase.of(sink), Clock.systemUTC(), Notifier.Retries.defaults());
        try (queue; ingest; QueueServer server = QueueServer.start(queue, apiTokens, host, port, ingest,
                StoryText.bands(rules));
             NotifierLoop notifications = NotifierLoop.start(notifier, Duration.ofSeconds(1))) {
            System.out.printf("Serving the queue %s on http://%s:%d/ (API under /api, %s)%s; notifying %d target%s;"
                            + " Ctrl-C stops%n", sink, host, server.port(), apiTokens,
                    ingest == null ? "" : "; POST /api/events publishes to " + ingest, notifier.targets().size(),
                    notifier.targets().size() == 1 ? "" : "s");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }

    /** The tokens of every option, file and variable, queue and ingest; at least one. */
    private ApiTokens apiTokens() throws IOException {
        ApiTokens all;
        try {
            all = read(tokens, TOKENS_ENV, tokensFile, "--tokens-file", Role.AGENT)
                    .and(read(ingestTokens, INGEST_TOKENS_ENV, ingestTokensFile, "--ingest-tokens-file", Role.INGEST));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        if (all.isEmpty()) {
            throw CliFailure.usage("give at least one token (--token, --tokens-file or " + TOKENS_ENV
                    + "; to take events only, --ingest-token, --ingest-tokens-file or " + INGEST_TOKENS_ENV + ")");
        }
        return all;
    }

    private static ApiTokens read(List<String> given, String env, Path file, String fileOption, Role role)
            throws IOException {
        String option = role.worksTheQueue() ? "--token" : "--ingest-token";
        ApiTokens read = ApiTokens.of(given, option, role).and(ApiTokens.of(ApiTokens.split(System.getenv(env)), env, role));
        if (file != null) {
            Args.existingFile(fileOption, file, "tokens file", "one " + (role.worksTheQueue() ? "[ROLE ]AGENT" : "NAME")
                    + ":TOKEN a line");
            read = read.and(ApiTokens.of(ApiTokens.readFile(file), file.toString(), role));
        }
        return read;
    }

    /** The ingest over {@code --events}, checked: a directory that can be made, or a broker that answers. */
    private EventIngest ingest() throws IOException {
        if (maxLineBytes < 1) {
            throw CliFailure.usage("--max-line-bytes must be at least 1, got " + maxLineBytes);
        }
        if (maxClockAhead.isNegative()) {
            throw CliFailure.usage("--max-clock-ahead cannot be negative, got " + maxClockAhead);
        }
        KafkaTopic topic = LiveCommand.kafkaTopic(events);
        if (topic != null) {
            Reachability.kafka("--events", topic);
        } else {
            Files.createDirectories(Args.directoryToCreate("--events", Path.of(events)));
        }
        return new EventIngest(EventPublisher.to(events), new LiveEventFormat(maxLineBytes, maxClockAhead),
                Clock.systemUTC());
    }
}

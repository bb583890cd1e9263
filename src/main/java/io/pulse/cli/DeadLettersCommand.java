package io.pulse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pulse.actions.DeadLetterReplay;
import io.pulse.actions.DeadLetters;
import io.pulse.actions.SinkDatabase;
import io.pulse.live.EventPublisher;
import io.pulse.live.KafkaTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;

/** `pulse deadletters ...`: the inputs the job could not process. */
@Command(name = "deadletters", mixinStandardHelpOptions = true,
        description = "The dead letters: inputs the job could not process, each with where it came from, why, and "
                + "the input as it arrived.",
        subcommands = {DeadLettersCommand.ListDeadLetters.class, DeadLettersCommand.ReplayDeadLetters.class})
final class DeadLettersCommand {
    /** Longest raw input the text listing shows of one dead letter; --json shows it whole. */
    static final int TEXT_RAW_CHARS = 300;

    /** The sink database of {@code --sink}, which must exist, with its schema brought up to date. */
    static SinkDatabase existingSink(String sink) {
        SinkDatabase db = Reachability.database("--sink", sink, false);
        if (db.sqlite() && db.sqliteFile() != null && !db.sqliteFile().toString().isEmpty()
                && !Files.isRegularFile(db.sqliteFile())) {
            throw CliFailure.badInput("--sink: no sink database at " + db.sqliteFile()
                    + " (`pulse live --sink " + sink + "` or `pulse replay --sink " + sink + "` creates one)");
        }
        try {
            db.createSchema(); // a database from before a table or column was added gets it
        } catch (SQLException e) {
            throw databaseError(sink, e);
        }
        return db;
    }

    static CliFailure databaseError(String sink, SQLException e) {
        return CliFailure.badInput("database error at " + Reachability.masked(sink) + ": " + e.getMessage());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"The newest dead letters first, one per input: its source (a live file's path:line, "
                    + "kafka:topic-partition@offset, or a history table and row), the reason, the event time when "
                    + "known, and the raw input (a live line or Kafka record value exactly as it arrived; --json "
                    + "gives it whole, ready to fix and send again); when it was replayed, and to where; and the "
                    + "earlier replayed dead letter with the same input, when there is one (a replay that failed again).",
                    "Exit 1 when the sink cannot be read."})
    static final class ListDeadLetters implements Callable<Integer> {
        private static final ObjectMapper JSON = JsonMapper.builder().build();

        @Option(names = "--sink", defaultValue = DemoCommand.DEFAULT_SINK,
                description = "JDBC URL of the sink database, SQLite or PostgreSQL (default: ${DEFAULT-VALUE}, the demo's).")
        String sink;

        @Option(names = "--reason", paramLabel = "TEXT",
                description = "Only dead letters whose reason contains TEXT, in any case, e.g. 'late event', "
                        + "'ahead of the clock', 'malformed JSON'.")
        String reason;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON instead of text (the raw input whole).")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 10_000) {
                throw CliFailure.badInput("--limit must be between 1 and 10000, got " + limit);
            }
            SinkDatabase db = existingSink(sink);
            List<DeadLetters.Row> rows;
            try {
                rows = DeadLetters.list(db, reason == null || reason.isBlank() ? null : reason, limit);
            } catch (SQLException e) {
                throw databaseError(sink, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            } else {
                for (DeadLetters.Row r : rows) {
                    out.printf("#%d %s %s%n    %s%n    %s%n", r.id(), r.eventTime() == null ? "-" : r.eventTime(),
                            r.source(), r.reason(), shown(r.raw()));
                    if (r.replayedAt() != null) {
                        out.printf("    replayed %s to %s%n", r.replayedAt(), r.replayedTo());
                    }
                    if (r.replayOf() != null) {
                        out.printf("    the same input as #%d, replayed before%n", r.replayOf());
                    }
                }
                out.printf("%d dead letter%s%n", rows.size(), rows.size() == 1 ? "" : "s");
            }
            out.flush();
            return 0;
        }

        /** The raw input on one line: control characters escaped, a long one cut (--json has it whole). */
        static String shown(String raw) {
            if (raw == null) {
                return "-";
            }
            StringBuilder s = new StringBuilder();
            int i = 0;
            for (; i < raw.length() && s.length() < TEXT_RAW_CHARS; i++) {
                char c = raw.charAt(i);
                switch (c) {
                    case '\n' -> s.append("\\n");
                    case '\r' -> s.append("\\r");
                    case '\t' -> s.append("\\t");
                    default -> {
                        if (Character.isISOControl(c)) {
                            s.append(String.format("\\u%04x", (int) c));
                        } else {
                            s.append(c);
                        }
                    }
                }
            }
            if (i < raw.length()) {
                s.append("... (").append(raw.length()).append(" characters; --json shows it whole)");
            }
            return s.toString();
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Send dead letters' raw input again to the live job's input (its watched directory, or "
                    + "its Kafka topic keyed by the line's customerId), after fixing the cause (a limit raised, a "
                    + "clock fixed, a job that now takes late corrections): it goes through the same validation as "
                    + "when it first arrived, and a line that fails again is a new dead letter (its source is the "
                    + "replayed file's path:line).",
                    "Each row sent is marked (replayed_at, replayed_to) and never sent again. A batch is published "
                            + "first and marked after: a crash in between sends it again on the next replay (the "
                            + "same lines, with the same event source, by which the job can drop them), it never "
                            + "loses one.",
                    "Only live inputs can be replayed: a history row's or a failed rule evaluation's dead letter, "
                            + "or one without raw input, is skipped and counted.",
                    "Give at least one of --reason, --source, --id, or --all. Exit 1 when the sink cannot be read "
                            + "or an --id is not there, 2 without a selection, 4 when the Kafka broker does not "
                            + "answer or a publish fails."})
    static final class ReplayDeadLetters implements Callable<Integer> {
        @Option(names = "--sink", defaultValue = DemoCommand.DEFAULT_SINK,
                description = "JDBC URL of the sink database, SQLite or PostgreSQL (default: ${DEFAULT-VALUE}, the demo's).")
        String sink;

        @Option(names = "--events", defaultValue = DemoCommand.DEFAULT_EVENTS, paramLabel = "DIR|kafka://HOST:PORT/TOPIC",
                description = "Where the live job reads: the directory given to `pulse live --events` or its Kafka "
                        + "topic (default: ${DEFAULT-VALUE}).")
        String events;

        @Option(names = "--reason", paramLabel = "TEXT",
                description = "Only dead letters whose reason contains TEXT, in any case (as `list --reason`).")
        String reason;

        @Option(names = "--source", paramLabel = "TEXT",
                description = "Only dead letters whose source contains TEXT, in any case, e.g. a file name or "
                        + "kafka:TOPIC-2@.")
        String source;

        @Option(names = "--id", paramLabel = "N", description = "Only this dead letter (repeatable).")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--all", description = "Every dead letter (alone: not with the other selections).")
        boolean all;

        @Option(names = "--dry-run", description = "Print what would be sent; send and mark nothing.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetters.Selection selection = selection();
            KafkaTopic topic = kafkaTopic();
            Path directory = topic == null ? Args.directoryToCreate("--events", Path.of(events)) : null;
            SinkDatabase db = existingSink(sink);
            String destination = topic != null ? events : directory.toAbsolutePath().normalize().toString();
            DeadLetterReplay replay = new DeadLetterReplay(db, destination, topic == null);
            DeadLetters.Census census;
            try {
                List<Long> missing = DeadLetters.missing(db, selection.ids());
                if (!missing.isEmpty()) {
                    throw CliFailure.badInput("--id: no dead letter " + missing.stream().map(id -> "#" + id)
                            .collect(Collectors.joining(", ")) + " in " + Reachability.masked(sink));
                }
                census = DeadLetters.census(db, selection);
            } catch (SQLException e) {
                throw databaseError(sink, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            long sent = dryRun ? dryRun(replay, selection, out) : send(replay, selection, topic, out);
            out.printf("%s %d dead letter%s to %s%s%n", dryRun ? "would replay" : "replayed", sent,
                    sent == 1 ? "" : "s", destination, skipped(census));
            out.flush();
            return 0;
        }

        private DeadLetters.Selection selection() {
            DeadLetters.Selection selection = new DeadLetters.Selection(all, reason, source, ids);
            if (selection.none()) {
                throw CliFailure.usage("say which dead letters: --reason TEXT, --source TEXT, --id N or --all "
                        + "(`pulse deadletters list` shows them)");
            }
            if (all && !new DeadLetters.Selection(false, reason, source, ids).none()) {
                throw CliFailure.usage("--all takes every dead letter: give it alone, or select with --reason, "
                        + "--source or --id");
            }
            return selection;
        }

        private KafkaTopic kafkaTopic() {
            if (!KafkaTopic.isKafka(events)) {
                return null;
            }
            try {
                return KafkaTopic.parse(events);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--events: " + e.getMessage());
            }
        }

        private long dryRun(DeadLetterReplay replay, DeadLetters.Selection selection, PrintWriter out) {
            List<DeadLetters.Row> rows;
            try {
                rows = replay.dryRun(selection);
            } catch (SQLException e) {
                throw databaseError(sink, e);
            }
            for (DeadLetters.Row r : rows) {
                out.printf("#%d %s%n    %s%n    %s%n", r.id(), r.source(), r.reason(), ListDeadLetters.shown(r.raw()));
            }
            return rows.size();
        }

        /** Publishes and marks; a failed publish or database error says how many were replayed before it. */
        private long send(DeadLetterReplay replay, DeadLetters.Selection selection, KafkaTopic topic, PrintWriter out) {
            if (topic != null) {
                Reachability.kafka("--events", topic);
            }
            long[] sent = {0};
            try (EventPublisher publisher = EventPublisher.to(events)) {
                replay.replay(selection, publisher, r -> {
                    sent[0]++;
                    out.printf("replayed #%d %s: %s%n", r.id(), r.source(), r.reason());
                });
                return sent[0];
            } catch (SQLException e) {
                out.flush();
                throw CliFailure.badInput("database error at " + Reachability.masked(sink) + ": " + e.getMessage()
                        + stopped(sent[0]));
            } catch (IOException | RuntimeException e) {
                out.flush();
                throw CliFailure.unavailable("--events: cannot publish to " + events + ": " + CliErrors.describe(e)
                        + stopped(sent[0]), e);
            }
        }

        private static String stopped(long sent) {
            return " (" + sent + " replayed and marked before it; the rest are not marked: run the command again to "
                    + "send them)";
        }

        /** " (3 skipped: no raw input; 5 already replayed)", or "" when nothing was skipped. */
        static String skipped(DeadLetters.Census c) {
            List<String> parts = new ArrayList<>();
            if (c.noRaw() > 0) {
                parts.add(c.noRaw() + " skipped: no raw input");
            }
            if (c.notLive() > 0) {
                parts.add(c.notLive() + " skipped: not a live input (a history row or a rule failure)");
            }
            if (c.replayed() > 0) {
                parts.add(c.replayed() + " already replayed");
            }
            return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
        }
    }
}

package io.pulse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pulse.actions.DeadLetters;
import io.pulse.actions.SinkDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

/** `pulse deadletters ...`: the inputs the job could not process. */
@Command(name = "deadletters", mixinStandardHelpOptions = true,
        description = "The dead letters: inputs the job could not process, each with where it came from, why, and "
                + "the input as it arrived.",
        subcommands = {DeadLettersCommand.ListDeadLetters.class})
final class DeadLettersCommand {
    /** Longest raw input the text listing shows of one dead letter; --json shows it whole. */
    static final int TEXT_RAW_CHARS = 300;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"The newest dead letters first, one per input: its source (a live file's path:line, "
                    + "kafka:topic-partition@offset, or a history table and row), the reason, the event time when "
                    + "known, and the raw input (a live line or Kafka record value exactly as it arrived; --json "
                    + "gives it whole, ready to fix and send again).",
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
            SinkDatabase db = Reachability.database("--sink", sink, false);
            if (db.sqlite() && db.sqliteFile() != null && !db.sqliteFile().toString().isEmpty()
                    && !Files.isRegularFile(db.sqliteFile())) {
                throw CliFailure.badInput("--sink: no sink database at " + db.sqliteFile()
                        + " (`pulse live --sink " + sink + "` or `pulse replay --sink " + sink + "` creates one)");
            }
            List<DeadLetters.Row> rows;
            try {
                db.createSchema(); // a database from before a table was added gets it
                rows = DeadLetters.list(db, reason == null || reason.isBlank() ? null : reason, limit);
            } catch (SQLException e) {
                throw CliFailure.badInput("database error at " + Reachability.masked(sink) + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            } else {
                for (DeadLetters.Row r : rows) {
                    out.printf("#%d %s %s%n    %s%n    %s%n", r.id(), r.eventTime() == null ? "-" : r.eventTime(),
                            r.source(), r.reason(), shown(r.raw()));
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
}

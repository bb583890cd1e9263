package io.pulse.testing;

import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What the live ITCases follow: a small generated history (20 companies, 40 days from 2025-01-01,
 * seed 5) in {@code dir}, and an empty SQLite sink with its schema next to it.
 *
 * @param url  the history's JDBC URL
 * @param end  the history's last event time (epoch ms): where live event time starts
 * @param sink the sink's JDBC URL
 */
public record SmallHistory(Path file, String url, long end, String sink, SinkDatabase db) {

    public static SmallHistory in(Path dir) throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        String url = "jdbc:sqlite:" + history;
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        return new SmallHistory(history, url, HistorySource.endTime(url), sink, db);
    }
}

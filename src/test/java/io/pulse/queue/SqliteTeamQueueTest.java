package io.pulse.queue;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** Owners, routing and capacity on SQLite (the embedded default). */
class SqliteTeamQueueTest extends TeamQueueContract {
    @TempDir
    Path dir;

    @Override
    String newDatabaseUrl() throws Exception {
        return "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
    }
}

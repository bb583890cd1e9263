package io.pulse.queue;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The queue contract on SQLite (the embedded default). */
class SqliteActionQueueTest extends ActionQueueContract {
    @TempDir
    Path dir;

    @Override
    String newDatabaseUrl() throws Exception {
        return "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
    }
}

package io.pulse.notifications;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** Webhooks from a SQLite queue. */
class SqliteNotifierTest extends NotifierContract {
    @TempDir
    Path dir;

    @Override
    String newDatabaseUrl() throws Exception {
        return "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
    }
}

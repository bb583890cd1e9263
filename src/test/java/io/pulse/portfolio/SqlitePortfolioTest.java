package io.pulse.portfolio;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The portfolio view over an action table on SQLite (the embedded default). */
class SqlitePortfolioTest extends PortfolioSinkContract {
    @TempDir
    Path dir;

    @Override
    String newDatabaseUrl() throws Exception {
        return "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
    }
}

package io.pulse.portfolio;

import io.pulse.testing.EmbeddedPostgresServer;

/** The portfolio view over an action table on a real PostgreSQL. */
class PostgresPortfolioTest extends PortfolioSinkContract {
    @Override
    String newDatabaseUrl() {
        return EmbeddedPostgresServer.freshDatabaseUrl();
    }
}

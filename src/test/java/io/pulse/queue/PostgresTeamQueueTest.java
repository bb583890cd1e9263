package io.pulse.queue;

import io.pulse.testing.EmbeddedPostgresServer;

/** Owners, routing and capacity on a real PostgreSQL. */
class PostgresTeamQueueTest extends TeamQueueContract {
    @Override
    String newDatabaseUrl() {
        return EmbeddedPostgresServer.freshDatabaseUrl();
    }
}

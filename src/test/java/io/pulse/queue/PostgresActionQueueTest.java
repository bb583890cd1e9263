package io.pulse.queue;

import io.pulse.testing.EmbeddedPostgresServer;

/** The queue contract on a real PostgreSQL. */
class PostgresActionQueueTest extends ActionQueueContract {
    @Override
    String newDatabaseUrl() {
        return EmbeddedPostgresServer.freshDatabaseUrl();
    }
}

package io.pulse.notifications;

import io.pulse.testing.EmbeddedPostgresServer;

/** Webhooks from a PostgreSQL queue. */
class PostgresNotifierTest extends NotifierContract {
    @Override
    String newDatabaseUrl() {
        return EmbeddedPostgresServer.freshDatabaseUrl();
    }
}

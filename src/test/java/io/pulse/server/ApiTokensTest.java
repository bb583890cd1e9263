package io.pulse.server;

import io.pulse.server.ApiTokens.Caller;
import io.pulse.server.ApiTokens.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokens and their roles: where an entry comes from gives its role; a plain agent:token stays a queue token. */
class ApiTokensTest {
    private static final String DANA = "dana-0123456789abcdef";
    private static final String HOOK = "hook-0123456789abcdef";

    @Test
    void aPlainEntryIsAQueueTokenAsBefore() {
        ApiTokens tokens = ApiTokens.of(List.of("dana:" + DANA), "--token");
        assertThat(tokens.authenticate(DANA)).contains(new Caller("dana", Set.of(Role.QUEUE)));
        assertThat(tokens.agentOf(DANA)).contains("dana");
        assertThat(tokens.has(Role.QUEUE)).isTrue();
        assertThat(tokens.has(Role.INGEST)).isFalse();
    }

    @Test
    void anIngestTokenMaySendEventsOnlyAndIsNoQueueAgent() {
        ApiTokens tokens = ApiTokens.of(List.of("dana:" + DANA), "--token")
                .and(ApiTokens.of(List.of("billing-hook:" + HOOK), "--ingest-token", Role.INGEST));
        assertThat(tokens.authenticate(HOOK)).contains(new Caller("billing-hook", Set.of(Role.INGEST)));
        assertThat(tokens.agentOf(HOOK)).as("no person to act as on the queue").isEmpty();
        assertThat(tokens.authenticate(HOOK + "x")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
    }

    @Test
    void theSameTokenGivenForBothRolesHasBoth() {
        ApiTokens tokens = ApiTokens.of(List.of("dana:" + DANA), "--token")
                .and(ApiTokens.of(List.of("dana:" + DANA), "--ingest-token", Role.INGEST));
        assertThat(tokens.authenticate(DANA)).contains(new Caller("dana", Set.of(Role.QUEUE, Role.INGEST)));
    }

    @Test
    void printingShowsNamesAndRolesNeverTokens() {
        ApiTokens tokens = ApiTokens.of(List.of("dana:" + DANA, "lee:" + DANA.replace('d', 'l')), "--token")
                .and(ApiTokens.of(List.of("billing-hook:" + HOOK), "--ingest-token", Role.INGEST));
        assertThat(tokens).hasToString("queue tokens for [dana, lee], ingest tokens for [billing-hook]");
        assertThatThrownBy(() -> ApiTokens.of(List.of("hook:short"), "PULSE_INGEST_TOKENS", Role.INGEST))
                .hasMessageStartingWith("token entry 1 of PULSE_INGEST_TOKENS is not agent:token")
                .hasMessageNotContaining("short");
    }
}

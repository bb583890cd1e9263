package io.pulse.server;

import io.pulse.server.ApiTokens.Caller;
import io.pulse.server.ApiTokens.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tokens and their roles: where an entry comes from gives queue or ingest; a plain agent:token stays
 * an agent's queue token, and a role word in front makes a lead's or admin's.
 */
class ApiTokensTest {
    private static final String DANA = "dana-0123456789abcdef";
    private static final String HOOK = "hook-0123456789abcdef";

    @Test
    void aPlainEntryIsAnAgentsQueueTokenAsBefore() {
        ApiTokens tokens = ApiTokens.of(List.of("dana:" + DANA), "--token");
        assertThat(tokens.authenticate(DANA)).contains(new Caller("dana", Set.of(Role.AGENT)));
        assertThat(tokens.authenticate(DANA).orElseThrow().leads()).isFalse();
        assertThat(tokens.agentOf(DANA)).contains("dana");
        assertThat(tokens.has(Role.AGENT)).isTrue();
        assertThat(tokens.has(Role.INGEST)).isFalse();
    }

    @Test
    void aRoleWordMakesALeadsOrAnAdminsTokenAndATokenMayHoldColons() {
        ApiTokens tokens = ApiTokens.of(List.of("lead lee:" + DANA.replace('d', 'l'), "admin\tops:" + HOOK,
                "agent kim:" + DANA.replace('d', 'k'), "lead:dana:" + DANA), "the tokens file");
        assertThat(tokens.authenticate(DANA.replace('d', 'l'))).contains(new Caller("lee", Set.of(Role.LEAD)));
        assertThat(tokens.authenticate(HOOK)).contains(new Caller("ops", Set.of(Role.ADMIN)));
        assertThat(tokens.authenticate(HOOK).orElseThrow().leads()).as("an admin acts as a lead").isTrue();
        assertThat(tokens.authenticate(DANA.replace('d', 'k'))).contains(new Caller("kim", Set.of(Role.AGENT)));
        assertThat(tokens.authenticate("dana:" + DANA)).as("as before roles: agent 'lead', token 'dana:...'")
                .contains(new Caller("lead", Set.of(Role.AGENT)));
        assertThat(tokens.agentOf(HOOK)).contains("ops");
        assertThatThrownBy(() -> ApiTokens.of(List.of("boss lee:" + DANA), "--token"))
                .hasMessageStartingWith("token entry 1 of --token is not [agent|lead|admin ]agent:token");
        assertThatThrownBy(() -> ApiTokens.of(List.of("lead hook:" + HOOK), "--ingest-token", Role.INGEST))
                .as("an ingest token is no person").hasMessageStartingWith("token entry 1 of --ingest-token is not name:token");
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
        assertThat(tokens.authenticate(DANA)).contains(new Caller("dana", Set.of(Role.AGENT, Role.INGEST)));
    }

    @Test
    void printingShowsNamesAndRolesNeverTokens() {
        ApiTokens tokens = ApiTokens.of(List.of("dana:" + DANA, "lee:" + DANA.replace('d', 'l'), "lead kim:" + DANA
                        .replace('d', 'k')), "--token")
                .and(ApiTokens.of(List.of("billing-hook:" + HOOK), "--ingest-token", Role.INGEST));
        assertThat(tokens).hasToString("agent tokens for [dana, lee], lead tokens for [kim],"
                + " ingest tokens for [billing-hook]");
        assertThatThrownBy(() -> ApiTokens.of(List.of("hook:short"), "PULSE_INGEST_TOKENS", Role.INGEST))
                .hasMessageStartingWith("token entry 1 of PULSE_INGEST_TOKENS is not name:token")
                .hasMessageNotContaining("short");
    }
}

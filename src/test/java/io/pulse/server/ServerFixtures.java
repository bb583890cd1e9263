package io.pulse.server;

import java.util.List;

/** The API tokens of the server's tests: two people. */
final class ServerFixtures {
    static final String DANA_TOKEN = "dana-0123456789abcdef";
    static final String LEE_TOKEN = "lee-fedcba9876543210";
    static final ApiTokens TOKENS = ApiTokens.of(List.of("dana:" + DANA_TOKEN, "lee:" + LEE_TOKEN), "the test");

    private ServerFixtures() {}
}

package io.pulse.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;

import static io.pulse.server.ServerFixtures.TOKENS;
import static io.pulse.server.ServerFixtures.DANA_TOKEN;
import static io.pulse.server.ServerFixtures.KIM_TOKEN;
import static io.pulse.server.ServerFixtures.LEE_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** The JSON API over a real SQLite queue: authentication, validation, the workflow. */
class QueueServerTest {
    @TempDir
    Path dir;
    private String url;
    private ActionQueue queue;
    private QueueServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        url = ServerFixtures.queueOfTwo(dir);
        queue = ActionQueue.open(url, 4, Clock.systemUTC());
        server = QueueServer.start(queue, TOKENS, 0);
    }

    @AfterEach
    void stop() {
        server.close();
        queue.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return QueueJson.mapper().readTree(response.body());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return json(response).get("error").asText();
    }

    @Test
    void requestsWithoutAValidTokenGet401AndChangeNothing() throws Exception {
        for (String token : new String[] {null, "", "not-a-token-at-all-1234", DANA_TOKEN + "x"}) {
            HttpResponse<String> r = call("POST", "/api/queue/next", token, null);
            assertThat(r.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(error(r)).isEqualTo("missing or invalid token: send Authorization: Bearer TOKEN");
        }
        assertThat(call("GET", "/api/actions", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/actions", "Basic " + DANA_TOKEN, null).statusCode()).isEqualTo(401);
        assertThat(json(call("GET", "/api/actions?status=claimed", DANA_TOKEN, null))).isEmpty();
    }

    @Test
    void theApiActsAsTheTokensPerson() throws Exception {
        HttpResponse<String> next = call("POST", "/api/queue/next", DANA_TOKEN, null);
        assertThat(next.statusCode()).isEqualTo(200);
        JsonNode claimed = json(next);
        assertThat(claimed.get("customerId").asText()).isEqualTo("acme.com");
        assertThat(claimed.get("assignee").asText()).isEqualTo("dana");
        long id = claimed.get("id").asLong();

        HttpResponse<String> done = call("POST", "/api/actions/" + id + "/done", DANA_TOKEN,
                "{\"outcome\": \"saved\", \"note\": \"renewed for two years\"}");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(json(done).get("status").asText()).isEqualTo("DONE");

        JsonNode detail = json(call("GET", "/api/actions/" + id, DANA_TOKEN, null));
        assertThat(detail.get("action").asText()).isEqualTo("URGENT_RETAIN");
        assertThat(detail.get("reasons").get(0).get("rule").asText()).isEqualTo("High value at high risk");
        assertThat(detail.get("history")).extracting(h -> h.get("actor").asText() + " " + h.get("to").asText())
                .containsExactly("pipeline OPEN", "dana CLAIMED", "dana DONE");

        assertThat(call("POST", "/api/queue/next", DANA_TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/queue/next", DANA_TOKEN, null).statusCode()).as("empty").isEqualTo(204);
        JsonNode mine = json(call("GET", "/api/actions?assignee=dana&status=claimed", DANA_TOKEN, null));
        assertThat(mine).extracting(a -> a.get("customerId").asText()).containsExactly("beta.io");
    }

    @Test
    void aColleagueGets403OnAClaimedActionAndALeadMayActOnIt() throws Exception {
        long id = json(call("POST", "/api/queue/next", DANA_TOKEN, null)).get("id").asLong();
        String base = "/api/actions/" + id;
        String refused = "cannot %s action " + id + ": it is claimed by dana, and only dana or a lead may";
        assertStatus(call("POST", base + "/done", LEE_TOKEN, "{\"outcome\": \"saved\"}"), 403,
                refused.formatted("mark done"));
        assertStatus(call("POST", base + "/release", LEE_TOKEN, null), 403, refused.formatted("release"));
        assertStatus(call("POST", base + "/snooze", LEE_TOKEN, "{\"until\": \"P3D\"}"), 403,
                refused.formatted("snooze"));
        assertStatus(call("POST", base + "/dismiss", LEE_TOKEN, null), 403, refused.formatted("dismiss"));
        assertThat(json(call("GET", base, LEE_TOKEN, null)).get("history")).as("nothing changed").hasSize(2);

        HttpResponse<String> done = call("POST", base + "/done", KIM_TOKEN,
                "{\"outcome\": \"saved\", \"note\": \"dana is out\"}");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(json(done).get("status").asText()).isEqualTo("DONE");
        assertThat(json(done).get("assignee").asText()).as("still dana's work").isEqualTo("dana");
        assertThat(json(call("GET", base, KIM_TOKEN, null)).get("history"))
                .extracting(h -> h.get("actor").asText() + " " + h.get("to").asText())
                .containsExactly("pipeline OPEN", "dana CLAIMED", "kim DONE");
    }

    @Test
    void badInputGets4xxWithAMessage() throws Exception {
        long id = json(call("GET", "/api/actions?customer=acme.com", DANA_TOKEN, null)).get(0).get("id").asLong();
        String base = "/api/actions/" + id;
        assertStatus(call("GET", "/api/actions/999999", DANA_TOKEN, null), 404, "no action with id 999999");
        assertStatus(call("GET", "/api/actions/abc", DANA_TOKEN, null), 400, "an action id is a number, not 'abc'");
        assertStatus(call("GET", "/api/actions?status=open,lost", DANA_TOKEN, null), 400,
                "unknown status 'lost' (one of open, claimed, done, dismissed, snoozed, superseded)");
        assertStatus(call("GET", "/api/actions?limit=ten", DANA_TOKEN, null), 400, "limit must be a number, not 'ten'");
        assertStatus(call("POST", base + "/done", DANA_TOKEN, "{}"), 400, "'outcome' is required");
        assertStatus(call("POST", base + "/done", DANA_TOKEN, "{\"outcome\": \"won\"}"), 400,
                "unknown outcome 'won' (one of saved, churned, downgraded, renewed, expanded, no_action)");
        assertStatus(call("POST", base + "/snooze", DANA_TOKEN, "{\"until\": \"tomorrow\"}"), 400,
                "cannot read the time 'tomorrow': give an instant (2026-03-02T09:00:00Z), a date (2026-03-02)"
                        + " or a duration from now (P3D, PT4H)");
        assertStatus(call("POST", base + "/claim", DANA_TOKEN, "{\"note\": "), 400, null);
        assertStatus(call("POST", base + "/claim", DANA_TOKEN, "[1]"), 400, "the body must be a JSON object");
        assertStatus(call("POST", base + "/claim", DANA_TOKEN, "{\"assignee\": \"kim\"}"), 400,
                "unknown field 'assignee' (known: note, outcome, to, until)");
        assertStatus(call("POST", base + "/claim", DANA_TOKEN, "{\"note\": 5}"), 400, "'note' must be a string");
        assertStatus(call("POST", base + "/release", DANA_TOKEN, null), 409,
                "cannot release action " + id + ": it is OPEN (release needs [CLAIMED])");
        assertStatus(call("POST", base + "/escalate", DANA_TOKEN, null), 404, "no such route: POST " + base + "/escalate");
        assertThat(json(call("GET", base, DANA_TOKEN, null)).get("history")).as("nothing changed").hasSize(1);
    }

    @Test
    void leadsSetCapacitiesAssignAndSeeTheOverflowAndAnAgentsTokenMayNot() throws Exception {
        assertStatus(call("PUT", "/api/team/dana", DANA_TOKEN, "{\"capacity\": 99}"), 403,
                "only a lead may change the team: this token is an agent's");
        assertStatus(call("GET", "/api/overflow", LEE_TOKEN, null), 403,
                "only a lead may see the overflow: this token is an agent's");
        long id = json(call("GET", "/api/actions?customer=beta.io", DANA_TOKEN, null)).get(0).get("id").asLong();
        assertStatus(call("POST", "/api/actions/" + id + "/assign", DANA_TOKEN, "{\"to\": \"dana\"}"), 403,
                "cannot assign action " + id + " to dana: only a lead may assign");

        HttpResponse<String> set = call("PUT", "/api/team/dana", KIM_TOKEN,
                "{\"email\": \"dana@cs.example\", \"capacity\": 1}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).get("weeklyCapacity").asInt()).isEqualTo(1);
        assertStatus(call("PUT", "/api/team/lee", KIM_TOKEN, "{\"capacity\": \"lots\"}"), 400,
                "'capacity' must be a whole number");

        assertThat(call("POST", "/api/queue/next", DANA_TOKEN, null).statusCode()).isEqualTo(200);
        assertStatus(call("POST", "/api/queue/next", DANA_TOKEN, null), 429,
                "dana has taken on 1 action this week, their capacity of 1: finish or release one,"
                        + " or ask a lead to raise it (pulse queue team --set dana --capacity N)");
        assertStatus(call("GET", "/api/actions?owner=me", LEE_TOKEN, null), 400,
                "owner=me: lee has no e-mail on the team (a lead sets it: PUT /api/team/NAME)");
        JsonNode me = json(call("GET", "/api/me", DANA_TOKEN, null));
        assertThat(me.get("takenThisWeek").asInt()).isEqualTo(1);
        assertThat(me.get("email").asText()).isEqualTo("dana@cs.example");

        JsonNode overflow = json(call("GET", "/api/overflow", KIM_TOKEN, null));
        assertThat(overflow.get("remainingCapacity").asInt()).as("dana is the team, and full").isZero();
        assertThat(overflow.get("actions")).extracting(a -> a.get("customerId").asText()).containsExactly("beta.io");

        HttpResponse<String> assigned = call("POST", "/api/actions/" + id + "/assign", KIM_TOKEN,
                "{\"to\": \"lee\", \"note\": \"dana is full\"}");
        assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(200);
        assertThat(json(assigned).get("assignee").asText()).isEqualTo("lee");
        assertThat(json(call("GET", "/api/team", LEE_TOKEN, null)).get("members"))
                .extracting(m -> m.get("agent").asText() + " " + m.get("takenThisWeek").asInt())
                .containsExactly("dana 1");

        io.pulse.model.Recommendation danas = ServerFixtures.dueNextWeek(
                io.pulse.testing.QueueFixtures.recommendation("delta.io", "VIP_NURTURE", 3, 1_000, 0));
        danas.setOwner("dana@cs.example");
        io.pulse.testing.QueueFixtures.pipelineWrites(url, danas);
        assertThat(json(call("GET", "/api/actions?owner=me", DANA_TOKEN, null)))
                .extracting(a -> a.get("customerId").asText() + " " + a.get("owner").asText())
                .containsExactly("delta.io dana@cs.example");
    }

    @Test
    void aCustomersStoryIsForQueueTokensOnlyAndAnUnknownOrHostileIdIsNotFound() throws Exception {
        HttpResponse<String> story = call("GET", "/api/customers/acme.com/story", LEE_TOKEN, null);
        assertThat(story.statusCode()).as(story.body()).isEqualTo(200);
        assertThat(json(story).at("/story/actions/0/action").asText()).isEqualTo("URGENT_RETAIN");
        assertThat(json(story).at("/story/customerId").asText()).isEqualTo("acme.com");
        HttpResponse<String> chart = call("GET", "/api/customers/acme.com/chart", DANA_TOKEN, null);
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
        assertThat(chart.body()).startsWith("<svg");

        assertThat(call("GET", "/api/customers/acme.com/story", null, null).statusCode()).as("no token").isEqualTo(401);
        assertThat(call("GET", "/api/customers/acme.com/chart", "not-a-token-0123456789", null).statusCode())
                .as("a wrong token").isEqualTo(401);
        assertStatus(call("GET", "/api/customers/nobody.com/story", DANA_TOKEN, null), 404,
                "no customer 'nobody.com' in the queue (no score history and no actions)");
        String hostile = java.net.URLEncoder.encode("x' OR '1'='1", java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        assertStatus(call("GET", "/api/customers/" + hostile + "/story", DANA_TOKEN, null), 404,
                "no customer 'x' OR '1'='1' in the queue (no score history and no actions)");
    }

    @Test
    void thePageIsServedWithoutData() throws Exception {
        HttpResponse<String> page = call("GET", "/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Pulse: the CS queue</title>").doesNotContain("acme.com");
    }

    private static void assertStatus(HttpResponse<String> r, int status, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (message != null) {
            assertThat(error(r)).isEqualTo(message);
        } else {
            assertThat(error(r)).isNotBlank();
        }
    }
}

package io.pulse.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.live.EventPublisher;
import io.pulse.live.LiveEventFormat;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.pulse.server.ServerFixtures.DANA_TOKEN;
import static io.pulse.server.ServerFixtures.HOOK_TOKEN;
import static io.pulse.server.ServerFixtures.TOKENS;
import static io.pulse.server.ServerFixtures.WITH_INGEST;
import static io.pulse.server.ServerFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/events on a real server into a watched directory: roles, all-or-nothing batches, durability, concurrency. */
class EventIngestTest {
    @TempDir
    Path dir;
    private Path events;
    private ActionQueue queue;
    private QueueServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        events = dir.resolve("live");
        queue = ActionQueue.open(ServerFixtures.queueOfTwo(dir), 4, Clock.systemUTC());
        server = QueueServer.start(queue, WITH_INGEST, "127.0.0.1", 0, ingestInto(events.toString()));
    }

    @AfterEach
    void stop() {
        server.close();
        queue.close();
    }

    private static EventIngest ingestInto(String where) {
        return new EventIngest(EventPublisher.to(where), LiveEventFormat.defaults(), Clock.systemUTC());
    }

    private HttpResponse<String> call(String method, String path, String token, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        return call("POST", "/api/events", token, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return QueueJson.mapper().readTree(response.body());
    }

    /** Every file in the events directory, hidden ones too. */
    private List<Path> files() throws IOException {
        if (!Files.exists(events)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(events)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aBatchGets202WithItsCountsAndIsPublishedAsTheBytesSent() throws Exception {
        String body = event("acme.example", "hook:1") + "\n"
                + "  {\"source\": \"hook:2\", \"type\": \"PRODUCT_USAGE\",\"customerId\":\"Beta.Example\","
                + " \"eventTime\": 1740823200000, \"usage\": {\"feature\": \"r\u00e9ports \u2713\"}, \"extra\": 1}\n";
        HttpResponse<String> r = post(HOOK_TOKEN, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("{\"accepted\":2,\"rejected\":0}");
        List<Path> files = files();
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).doesNotStartWith(".").endsWith(".jsonl");
        assertThat(Files.readAllBytes(files.get(0))).isEqualTo(body.getBytes(StandardCharsets.UTF_8));

        String one = event("acme.example", "hook:3"); // one event, no line break
        assertThat(post(HOOK_TOKEN, one).statusCode()).isEqualTo(202);
        assertThat(files()).hasSize(2).map(Files::readString).contains(one + "\n");
    }

    @Test
    void aBatchWithBadLinesGets400NamingEachAndPublishesNothing() throws Exception {
        String body = event("acme.example", "hook:1") + "\n"
                + "\n"
                + "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \n"
                + "{\"type\": \"TELEPATHY\", \"customerId\": \"x.example\", \"eventTime\": 1}\r\n"
                + event("x".repeat(70_000) + ".example", "hook:5") + "\n"
                + event("beta.example", "hook:6") + "\n";
        HttpResponse<String> r = post(HOOK_TOKEN, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode answer = json(r);
        assertThat(answer.get("error").asText()).isEqualTo("3 of 5 lines are not valid events: nothing was published");
        assertThat(answer.get("accepted").asInt()).isZero();
        assertThat(answer.get("rejected").asInt()).isEqualTo(3);
        assertThat(answer.get("errors")).extracting(e -> e.get("line").asInt()).containsExactly(3, 4, 5);
        assertThat(answer.get("errors").get(0).get("error").asText()).startsWith("malformed JSON");
        assertThat(answer.get("errors").get(1).get("error").asText()).startsWith("unknown event type \"TELEPATHY\"");
        assertThat(answer.get("errors").get(2).get("error").asText()).startsWith("line too large");
        assertThat(files()).as("nothing published").isEmpty();
    }

    @Test
    void anEmptyOrNonUtf8BodyGets400() throws Exception {
        HttpResponse<String> empty = post(HOOK_TOKEN, "\n \n");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(json(empty).get("error").asText()).isEqualTo("no events: the body has no line that is not blank");
        byte[] latin1 = event("caf\u00e9.example", "hook:1").getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = call("POST", "/api/events", HOOK_TOKEN, latin1);
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        assertThat(json(notUtf8).get("error").asText()).isEqualTo("the body is not UTF-8 text");
        assertThat(files()).isEmpty();
    }

    @Test
    void eventsNeedAnIngestTokenAndTheQueueAQueueToken() throws Exception {
        String body = event("acme.example", "hook:1");
        HttpResponse<String> none = post(null, body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(post("not-a-token-at-all-1234", body).statusCode()).isEqualTo(401);
        HttpResponse<String> queueToken = post(DANA_TOKEN, body);
        assertThat(queueToken.statusCode()).isEqualTo(403);
        assertThat(json(queueToken).get("error").asText())
                .isEqualTo("this token may not send events: POST /api/events needs an ingest token");
        for (String[] route : new String[][] {{"GET", "/api/actions"}, {"GET", "/api/actions/1"},
                {"POST", "/api/queue/next"}, {"POST", "/api/actions/1/claim"}}) {
            HttpResponse<String> r = call(route[0], route[1], HOOK_TOKEN, null);
            assertThat(r.statusCode()).as("%s %s", route[0], route[1]).isEqualTo(403);
            assertThat(json(r).get("error").asText())
                    .isEqualTo("this token may only send events (POST /api/events): the queue needs a queue token");
        }
        assertThat(files()).isEmpty();
        assertThat(json(call("GET", "/api/actions?status=claimed", DANA_TOKEN, null))).as("nothing claimed").isEmpty();
    }

    @Test
    void oneTokenGivenBothRolesMayDoBoth() throws Exception {
        server.close();
        ApiTokens both = TOKENS.and(ApiTokens.of(List.of("dana:" + DANA_TOKEN), "the test", ApiTokens.Role.INGEST));
        server = QueueServer.start(queue, both, "127.0.0.1", 0, ingestInto(events.toString()));
        assertThat(post(DANA_TOKEN, event("acme.example", "dana:1")).statusCode()).isEqualTo(202);
        assertThat(call("POST", "/api/queue/next", DANA_TOKEN, null).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutIngestTokensTheRouteAnswers403SayingHowToTurnItOn() throws Exception {
        server.close();
        server = QueueServer.start(queue, TOKENS, 0);
        HttpResponse<String> r = post(DANA_TOKEN, event("acme.example", "hook:1"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("error").asText()).isEqualTo("this server takes no events: start pulse serve with an"
                + " ingest token (--ingest-token, --ingest-tokens-file or PULSE_INGEST_TOKENS)");
    }

    @Test
    void aBodyOver8MiBGets413AndPublishesNothing() throws Exception {
        String line = event("acme.example", "hook:1") + "\n";
        String body = line.repeat(EventIngest.MAX_BODY_BYTES / line.length() + 1);
        HttpResponse<String> r = post(HOOK_TOKEN, body);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("error").asText()).isEqualTo("the body is over 8388608 bytes (8 MiB): send smaller batches");
        assertThat(files()).isEmpty();
        String justUnder = line.repeat(EventIngest.MAX_BODY_BYTES / line.length());
        assertThat(post(HOOK_TOKEN, justUnder.replace("hook:1", "hook:2")).statusCode()).as("8 MiB is fine").isEqualTo(202);
    }

    @Test
    void aBatchThatCannotBePublishedGets503() throws Exception {
        server.close();
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "");
        server = QueueServer.start(queue, WITH_INGEST, "127.0.0.1", 0, ingestInto(notADirectory.toString()));
        HttpResponse<String> r = post(HOOK_TOKEN, event("acme.example", "hook:1"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("error").asText()).startsWith("cannot publish the events: ")
                .endsWith("the batch was not accepted: send it again later");
    }

    @Test
    void eightConcurrentSendersLoseAndDuplicateNothing() throws Exception {
        int senders = 8;
        int batches = 40;
        int perBatch = 25;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<Integer>> accepted = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            accepted.add(pool.submit(() -> {
                int n = 0;
                for (int b = 0; b < batches; b++) {
                    StringBuilder body = new StringBuilder();
                    for (int i = 0; i < perBatch; i++) {
                        body.append(event("c" + i + ".example", "s" + sender + ":b" + b + ":e" + i)).append('\n');
                    }
                    HttpResponse<String> r = post(HOOK_TOKEN, body.toString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    n += json(r).get("accepted").asInt();
                }
                return n;
            }));
        }
        int total = 0;
        for (Future<Integer> f : accepted) {
            total += f.get();
        }
        pool.shutdown();
        List<String> lines = new ArrayList<>();
        for (Path file : files()) {
            assertThat(file.getFileName().toString()).as("no half-written file left").doesNotStartWith(".");
            lines.addAll(Files.readAllLines(file));
        }
        Set<String> sources = new HashSet<>();
        for (String line : lines) {
            sources.add(QueueJson.mapper().readTree(line).get("source").asText());
        }
        assertThat(total).isEqualTo(senders * batches * perBatch);
        assertThat(files()).hasSize(senders * batches);
        assertThat(lines).hasSize(total);
        assertThat(sources).as("no duplicates").hasSize(total);
    }
}

package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.live.EventPublisher;
import io.pulse.live.LiveEventFormat;
import io.pulse.queue.ActionQueue;
import io.pulse.server.ApiTokens;
import io.pulse.server.EventIngest;
import io.pulse.server.QueueServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Events per second that {@code POST /api/events} accepts on the embedded setup: `pulse serve`'s
 * server publishing into a watched directory (a file written, synced and renamed per batch),
 * with concurrent senders (threads of this JVM, one HTTP/1.1 client) sending batches of 1 and of
 * 100 events. Checks afterwards that the directory holds exactly the events accepted, once each.
 * Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.HttpIngestBenchmark [seconds per round=10] [senders=8] [batch sizes=1,100] [dir]</pre>
 * {@code dir}: where the events directory goes (default: a temporary directory; the disk it is on
 * sets the cost of a sync).
 */
public final class HttpIngestBenchmark {
    private static final String TOKEN = "bench-ingest-0123456789";

    private HttpIngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int senders = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int[] sizes = Arrays.stream((args.length > 2 ? args[2] : "1,100").split(",")).mapToInt(Integer::parseInt).toArray();
        Path base = args.length > 3 ? Files.createDirectories(Path.of(args[3])) : null;
        Path work = base == null ? Files.createTempDirectory("pulse-bench-ingest") : Files.createTempDirectory(base, "ingest");
        String queueUrl = "jdbc:sqlite:" + work.resolve("actions.sqlite");
        SinkDatabase.of(queueUrl).createSchema();
        ApiTokens tokens = ApiTokens.of(List.of("bench:" + TOKEN), "the benchmark", ApiTokens.Role.INGEST);
        try (ActionQueue queue = ActionQueue.open(queueUrl, 2, Clock.systemUTC())) {
            for (int size : sizes) {
                round(queue, tokens, work.resolve("warm-up-" + size), Math.max(2, seconds / 3), senders, size, false);
                round(queue, tokens, work.resolve("events-" + size), seconds, senders, size, true);
            }
        } finally {
            deleteTree(work);
        }
    }

    private static void round(ActionQueue queue, ApiTokens tokens, Path events, int seconds, int senders, int size,
                              boolean report) throws Exception {
        EventIngest ingest = new EventIngest(EventPublisher.to(events.toString()), LiveEventFormat.defaults(),
                Clock.systemUTC());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ingest; QueueServer server = QueueServer.start(queue, tokens, "127.0.0.1", 0, ingest)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/events");
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            List<Future<long[]>> results = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                results.add(pool.submit(() -> send(http, uri, sender, size, end)));
            }
            long accepted = 0;
            List<Long> latencies = new ArrayList<>();
            for (Future<long[]> f : results) {
                long[] r = f.get();
                accepted += r[0];
                for (int i = 1; i < r.length; i++) {
                    latencies.add(r[i]);
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            if (report) {
                report(events, senders, size, accepted, elapsed, latencies);
            }
        }
    }

    /** Sends batches until {@code end}; returns the events accepted, then each request's latency in µs. */
    private static long[] send(HttpClient http, URI uri, int sender, int size, long end) throws Exception {
        List<Long> latencies = new ArrayList<>();
        long accepted = 0;
        for (long n = 0; System.nanoTime() < end; n++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < size; i++) {
                body.append(event(sender, n, i)).append('\n');
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            latencies.add((System.nanoTime() - t0) / 1_000);
            if (r.statusCode() != 202) {
                throw new IllegalStateException("expected 202, got " + r.statusCode() + ": " + r.body());
            }
            accepted += size;
        }
        long[] out = new long[latencies.size() + 1];
        out[0] = accepted;
        for (int i = 0; i < latencies.size(); i++) {
            out[i + 1] = latencies.get(i);
        }
        return out;
    }

    /** A product-usage event of about 230 bytes with a source of its own. */
    private static String event(int sender, long batch, int i) {
        return "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"customer-" + (i % 500) + ".example\","
                + " \"eventTime\": \"2025-03-01T10:00:00Z\", \"source\": \"bench:" + sender + ":" + batch + ":" + i + "\","
                + " \"usage\": {\"feature\": \"reports\", \"contactEmail\": \"someone@customer.example\"}}";
    }

    private static void report(Path events, int senders, int size, long accepted, double seconds, List<Long> latencies)
            throws IOException {
        long lines = 0;
        Set<String> sources = new HashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(events)) {
            files = s.toList();
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                lines++;
                int from = line.indexOf("\"source\": \"") + 11;
                sources.add(line.substring(from, line.indexOf('"', from)));
            }
        }
        latencies.sort(Comparator.naturalOrder());
        System.out.printf("%d senders, batches of %d: %,d events in %.1f s = %,.0f events/s (%,.0f requests/s);"
                        + " request latency p50 %.1f ms, p99 %.1f ms; files %,d, lines %,d, distinct %,d: %s%n",
                senders, size, accepted, seconds, accepted / seconds, latencies.size() / seconds,
                latencies.get(latencies.size() / 2) / 1000.0, latencies.get((int) (latencies.size() * 0.99)) / 1000.0,
                files.size(), lines, sources.size(),
                lines == accepted && sources.size() == accepted ? "none lost, none twice" : "MISMATCH");
        if (lines != accepted || sources.size() != accepted) {
            throw new IllegalStateException("the directory does not hold exactly the events accepted");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package io.pulse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A live benchmark's tail, second by second, next to the job's checkpoints: the p99 of the events
 * sent in each second of the measured window, split into the seconds a checkpoint ran in (from its
 * trigger to its last acknowledgement, as Flink's REST API reports them) and the others.
 */
final class CheckpointSeconds {
    /** The REST port the benchmark's local cluster is started with. */
    final int restPort;

    private CheckpointSeconds(int restPort) {
        this.restPort = restPort;
    }

    /** For a cluster whose REST API listens on {@code restPort} of this machine. */
    static CheckpointSeconds on(int restPort) {
        return new CheckpointSeconds(restPort);
    }

    /** On a free local port. */
    static CheckpointSeconds onFreePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return on(socket.getLocalPort());
        }
    }

    /** A completed checkpoint: epoch ms from its trigger to its last acknowledgement, and its size. */
    record Checkpoint(long triggeredAt, long acknowledgedAt, long bytes) {}

    /** The job's completed checkpoints that Flink's REST API still lists (the newest {@code web.checkpoints.history}). */
    List<Checkpoint> completed(JobID job) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + restPort + "/jobs/" + job + "/checkpoints")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /jobs/" + job + "/checkpoints: HTTP " + response.statusCode() + " " + response.body());
        }
        List<Checkpoint> completed = new ArrayList<>();
        for (JsonNode c : new ObjectMapper().readTree(response.body()).path("history")) {
            if (c.path("status").asText().equals("COMPLETED")) {
                completed.add(new Checkpoint(c.path("trigger_timestamp").asLong(), c.path("latest_ack_timestamp").asLong(),
                        c.path("state_size").asLong()));
            }
        }
        return completed;
    }

    /**
     * Prints the checkpoints that ran in [{@code from}, {@code until}) and the p99 of each second of
     * sending, with a checkpoint and without. {@code latencyBySendTime}: epoch ms sent -> latency ms.
     */
    void print(JobID job, long from, long until, List<long[]> latencyBySendTime) throws IOException, InterruptedException {
        List<Checkpoint> inWindow = completed(job).stream()
                .filter(c -> c.acknowledgedAt() >= from && c.triggeredAt() < until)
                .sorted((a, b) -> Long.compare(a.triggeredAt(), b.triggeredAt())).toList();
        Map<Long, List<Long>> bySecond = new TreeMap<>();
        for (long[] sentAndLatency : latencyBySendTime) {
            bySecond.computeIfAbsent((sentAndLatency[0] - from) / 1000, s -> new ArrayList<>()).add(sentAndLatency[1]);
        }
        List<String> withCheckpoint = new ArrayList<>();
        List<Long> others = new ArrayList<>();
        bySecond.forEach((second, latencies) -> {
            Collections.sort(latencies);
            long p99 = LiveLatencyBenchmark.percentile(latencies, 0.99);
            long secondStart = from + second * 1000;
            boolean checkpointing = inWindow.stream()
                    .anyMatch(c -> c.triggeredAt() < secondStart + 1000 && c.acknowledgedAt() >= secondStart);
            if (checkpointing) {
                withCheckpoint.add(second + ": " + p99);
            } else {
                others.add(p99);
            }
        });
        Collections.sort(others);
        System.out.printf("checkpoints in the window: %d, trigger to last acknowledgement %s ms, %s MB each%n",
                inWindow.size(), inWindow.stream().map(c -> String.valueOf(c.acknowledgedAt() - c.triggeredAt())).toList(),
                inWindow.stream().map(c -> String.format("%.1f", c.bytes() / 1e6)).distinct().toList());
        System.out.printf("p99 of each second of sending (s from the window's start: ms): with a checkpoint %s;"
                        + " the other %d seconds: median %d, max %d%n", withCheckpoint, others.size(),
                others.isEmpty() ? 0 : others.get(others.size() / 2), others.isEmpty() ? 0 : others.get(others.size() - 1));
    }
}

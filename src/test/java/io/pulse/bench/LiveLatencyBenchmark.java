package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.live.KafkaTopic;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.rules.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;

/**
 * Event-to-action latency of live mode at a steady rate. Not a test: run it by hand, see
 * BENCHMARKS.md.
 *
 * <p>An in-process Kafka broker; the live job (history of 20 companies, then the topic, parallelism
 * 2, SQLite sink) as {@code pulse live} runs it. A generator thread writes events at a fixed rate,
 * with event time = the wall clock at writing: each new customer gets three snapshots (account,
 * activity, value) that make it an URGENT_RETAIN case. Its latency is from the write of its third
 * event to the first poll (every 10 ms, by primary key) that sees one of its rows in the sink. The
 * first {@code warmup} seconds are left out.
 *
 * <pre>java ... io.pulse.bench.LiveLatencyBenchmark [events/s=10000] [seconds=30] [lateness=PT0.2S]
 *     [live-cadence=PT0.1S] [watermark-interval=PT0.2S] [warmup-seconds=10]</pre>
 */
public final class LiveLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Duration lateness = Duration.parse(args.length > 2 ? args[2] : "PT0.2S");
        Duration liveCadence = Duration.parse(args.length > 3 ? args[3] : "PT0.1S");
        Duration watermarkInterval = Duration.parse(args.length > 4 ? args[4] : "PT0.2S");
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 10;

        Path dir = Files.createTempDirectory("pulse-latency");
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();

        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1").build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("events", 2, (short) 1))).all().get();
            }
            LiveSource.Settings live = new LiveSource.Settings(lateness, LiveSource.Settings.defaults().quietAfter(),
                    LiveSource.Settings.defaults().directoryScan(), LiveEventFormat.defaults());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            Configuration conf = new Configuration();
            conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, watermarkInterval);
            env.configure(conf);
            JobClient job = new PulseJob(PulseJob.historyThenKafka(historyUrl, historyEnd,
                    KafkaTopic.parse("kafka://" + kafka.bootstrapServers() + "/events"), live),
                    PulseJob.jdbc(db), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2)
                    .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(liveCadence, historyEnd)))
                    .executeAsync(env, "Pulse live latency benchmark");
            try (Connection c = DriverManager.getConnection(sink)) {
                // The history's actions first, so its replay is not in the figures.
                long rows = -1;
                while (rows != maxId(c) || rows <= 0) {
                    rows = maxId(c);
                    Thread.sleep(2_000);
                }
                run(kafka.bootstrapServers(), c, rate, seconds, warmup, rows);
            } finally {
                job.cancel().get();
            }
        }
        System.out.printf("load: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static void run(String bootstrap, Connection sink, int rate, int seconds, int warmup, long startId)
            throws Exception {
        Map<String, Long> written = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        long start = System.currentTimeMillis();
        long measureFrom = start + warmup * 1000L;
        Thread poller = new Thread(() -> {
            long lastId = startId;
            try (PreparedStatement ps = sink.prepareStatement(
                    "SELECT id, customer_id FROM recommended_actions WHERE id > ? ORDER BY id")) {
                while (!done.get()) {
                    ps.setLong(1, lastId);
                    long now = System.currentTimeMillis();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lastId = rs.getLong(1);
                            Long at = written.remove(rs.getString(2));
                            if (at != null && at >= measureFrom) {
                                latencies.add(now - at);
                            }
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "sink poller");
        poller.start();

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        long sent = 0;
        int customers = 0;
        long total = (long) rate * (seconds + warmup);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            while (sent < total) {
                long due = Math.min(total, (System.currentTimeMillis() - start) * rate / 1000);
                while (sent + 3 <= due) {
                    String customer = "c" + customers++ + ".bench";
                    long t = System.currentTimeMillis();
                    producer.send(new ProducerRecord<>("events", customer,
                            LiveEventFormat.toLine(accountSnapshot(customer, t, "Enterprise", 2, 400))));
                    producer.send(new ProducerRecord<>("events", customer,
                            LiveEventFormat.toLine(activitySnapshot(customer, t, "Critical", "Declining"))));
                    producer.send(new ProducerRecord<>("events", customer,
                            LiveEventFormat.toLine(valueSnapshot(customer, t, "Gold", 90_000, 5))));
                    written.put(customer, System.currentTimeMillis());
                    sent += 3;
                }
                Thread.sleep(1);
            }
        }
        long generatorSeconds = System.currentTimeMillis() - start;
        Thread.sleep(5_000); // the last events' actions
        done.set(true);
        poller.join();
        long expected = customers - (long) rate * warmup / 3;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("rate %,d events/s for %d s (+%d s warm-up; generator took %.1f s): %,d customers measured"
                        + " of ~%,d, %,d never seen%n", rate, seconds, warmup, generatorSeconds / 1000.0, sorted.size(),
                expected, written.size());
        if (!sorted.isEmpty()) {
            System.out.printf("event-to-action latency: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                    percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
                    sorted.get(sorted.size() - 1));
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static long maxId(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM recommended_actions");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}

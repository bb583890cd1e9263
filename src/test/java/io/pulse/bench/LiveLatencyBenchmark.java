package io.pulse.bench;

import io.pulse.actions.ActionSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.features.Cadence;
import io.pulse.features.CorrectionHorizon;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryQueries;
import io.pulse.jdbc.SqlDialect;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.live.KafkaTopic;
import io.pulse.live.LiveDefaults;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.evaluation.RuleEvaluationFunction;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.FileUtils;
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
import java.sql.Statement;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.usage;
import static io.pulse.testing.TestEvents.valueSnapshot;

/**
 * Event-to-action latency of live mode at a steady rate. Not a test: run it by hand, see
 * BENCHMARKS.md.
 *
 * <p>An in-process Kafka broker; the live job (history of 20 companies, then the topic, parallelism
 * 2, SQLite sink) as {@code pulse live} runs it. A generator thread writes events at a fixed rate,
 * with event time = the wall clock at writing: each new customer gets three snapshots (account,
 * activity, value) that make it an URGENT_RETAIN case. Its latency is from the write of its third
 * event to the first poll (every 10 ms) that sees one of its rows written in the sink: a trigger the
 * benchmark adds to the sink's table logs every row inserted or updated ({@code bench_writes}). With
 * {@code customers=N} only N customers are created; after them each visit is one account snapshot of
 * the next customer in turn (one whose last visit has been seen), its days since the last activity
 * the other of 2 and 5 than its last visit's, so that every visit changes its health score and
 * re-writes its open rows: the steady state of a running job, whose state no longer grows. A visit's latency runs to
 * the first row of the customer written valid as of the visit's event time or later (to the second,
 * the sink's resolution: so N should be several seconds' worth of visits). A visit not seen within
 * 5 s (an event of it came later than the allowed lateness: a dead letter) is counted as lost, and
 * the customer's next visit writes its three snapshots afresh (with the other account). The first {@code warmup} seconds are
 * left out. It also reports the rate the generator achieved and the
 * CPU time of every thread by role over the measured part (job operators, generator, broker), since
 * all three share the machine.
 *
 * <pre>java ... io.pulse.bench.LiveLatencyBenchmark [events/s=10000] [seconds=30] [warmup=10]
 *     [lateness=D] [live-cadence=D] [watermark-interval=D] [buffer-timeout=D] [sink-flush-interval=D]
 *     [state-backend=hashmap|rocksdb] [checkpoint-interval=D] [checkpoint-dir=DIR, default: in its temporary directory]
 *     [customers=N, 0: every visit a new customer]
 *     [quiet-after=D] [partitions=2 (of the topic)] [events-from=HISTORY.sqlite] [latencies-csv=FILE]
 *     [flink-conf=key=value;...] [correction-horizon=D] [late-share=0.01] [late-by=PT1H]</pre>
 * {@code late-share} sends that share of all events late: product usage of a customer already
 * created, stamped up to {@code late-by} before the wall clock, taken by the job as corrections
 * (within {@code correction-horizon}, {@code pulse live}'s by default); the visits measured stay
 * on time.
 * With {@code events-from}, the events sent are instead a generated history's, in its event-time
 * order, each sent with the wall clock as its event time: the mix of event types a running job
 * receives (snapshots, support conversations, product usage, plan changes), most of which change a
 * customer's rows and some (usage) none by themselves. See {@link #streamHistory}. {@code latencies-csv}
 * writes each measured event's (or visit's: type {@code visit}) send time (ms from the start), type
 * and latency. Both modes print the
 * job's rule evaluations per event. {@code flink-conf="key=value;key=value"} configures the local
 * Flink cluster (e.g. Flink's buffer debloating).
 * The durations (ISO-8601) default to {@code pulse live}'s ({@link LiveDefaults}); the state backend and
 * checkpoint interval to {@code pulse live}'s without a cluster configuration (hashmap, 10 s).
 */
public final class LiveLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Map<String, String> options = new HashMap<>(Map.of("warmup", "10", "lateness", LiveDefaults.LATENESS,
                "live-cadence", LiveDefaults.LIVE_CADENCE, "watermark-interval", LiveDefaults.WATERMARK_INTERVAL,
                "buffer-timeout", LiveDefaults.BUFFER_TIMEOUT, "sink-flush-interval", LiveDefaults.SINK_FLUSH_INTERVAL,
                "state-backend", "hashmap", "checkpoint-interval", "PT10S", "customers", "0"));
        options.putAll(Map.of("correction-horizon", LiveDefaults.CORRECTION_HORIZON, "late-share", "0",
                "late-by", "PT1H"));
        options.putAll(Map.of("quiet-after", LiveSource.Settings.defaults().quietAfter().toString(), "partitions", "2",
                "events-from", "", "latencies-csv", "", "flink-conf", "", "checkpoint-dir", ""));
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2 || options.put(kv[0], kv[1]) == null) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; the options are " + options.keySet());
            }
        }
        int warmup = Integer.parseInt(options.get("warmup"));
        Duration lateness = Duration.parse(options.get("lateness"));
        Duration liveCadence = Duration.parse(options.get("live-cadence"));
        System.out.printf("settings: %s%n", new TreeMap<>(options));

        Path dir = Files.createTempDirectory("pulse-latency");
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        logWrites(sink);

        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1").build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("events", Integer.parseInt(options.get("partitions")), (short) 1)))
                        .all().get();
            }
            LiveSource.Settings live = new LiveSource.Settings(lateness, Duration.parse(options.get("quiet-after")),
                    LiveSource.Settings.defaults().directoryScan(), LiveEventFormat.defaults());
            Map<String, String> flinkConf = new HashMap<>();
            for (String kv : options.get("flink-conf").split(";")) {
                if (!kv.isBlank()) {
                    flinkConf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            // Flink's REST API says when each checkpoint ran, to set the tail's seconds against.
            flinkConf.putIfAbsent("rest.port", String.valueOf(CheckpointSeconds.onFreePort().restPort));
            flinkConf.putIfAbsent("web.checkpoints.history", "100");
            // A running job's accumulators (its rule evaluations) reach the client with each TaskManager
            // heartbeat: every 10 s by default, which skews a count over a 40 s window by up to a quarter.
            flinkConf.putIfAbsent("heartbeat.interval", "500");
            CheckpointSeconds checkpoints = CheckpointSeconds.on(Integer.parseInt(flinkConf.get("rest.port")));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    Configuration.fromMap(flinkConf));
            JobClient job = new PulseJob(PulseJob.historyThenKafka(historyUrl, historyEnd,
                    KafkaTopic.parse("kafka://" + kafka.bootstrapServers() + "/events"), live),
                    PulseJob.jdbc(db), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2)
                    .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(liveCadence, historyEnd))
                    .withCorrections(CorrectionHorizon.after(historyEnd, Duration.parse(options.get("correction-horizon"))))
                    .withWatermarkInterval(Duration.parse(options.get("watermark-interval")))
                    .withBufferTimeout(Duration.parse(options.get("buffer-timeout")))
                    .withStateBackend(PulseJob.StateBackend.valueOf(options.get("state-backend").toUpperCase(Locale.ROOT)))
                    .withCheckpointInterval(Duration.parse(options.get("checkpoint-interval")))
                    .withCheckpointDirectory((options.get("checkpoint-dir").isEmpty() ? dir.resolve("checkpoints")
                            : Path.of(options.get("checkpoint-dir"))).toUri())
                    .withSinkBatching(new ActionSink.Batching(Integer.parseInt(LiveDefaults.SINK_BATCH_SIZE),
                            Duration.parse(options.get("sink-flush-interval")))))
                    .executeAsync(env, "Pulse live latency benchmark");
            try (Connection c = DriverManager.getConnection(sink)) {
                // The history's actions first, so its replay is not in the figures.
                long rows = -1;
                while (rows != maxId(c) || rows <= 0) {
                    rows = maxId(c);
                    Thread.sleep(2_000);
                }
                if (options.get("events-from").isEmpty()) {
                    run(job, kafka.bootstrapServers(), c, rate, seconds, warmup, Integer.parseInt(options.get("customers")), rows,
                            options.get("latencies-csv"), checkpoints, new LateEvents(
                                    Double.parseDouble(options.get("late-share")),
                                    Duration.parse(options.get("late-by")).toMillis()));
                } else {
                    streamHistory(job, kafka.bootstrapServers(), c, rate, seconds, warmup, Path.of(options.get("events-from")),
                            rows, options.get("latencies-csv"), checkpoints);
                }
            } finally {
                job.cancel().get();
            }
        }
        System.out.printf("load: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        FileUtils.deleteDirectory(dir.toFile()); // the queue database: hundreds of MB after a run
    }

    /**
     * Late events sent among the visits: this share of all events, each a product usage of a
     * customer already created, stamped up to {@code byMs} before the wall clock (a correction).
     */
    private record LateEvents(double share, long byMs) {}

    /** A visit written and not yet seen in the sink: when it was written, and its event time. */
    private record Visit(long writtenAt, long eventTime, int events) {}

    private static void run(JobClient job, String bootstrap, Connection sink, int rate, int seconds, int warmup, int population,
                            long startId, String latenciesCsv, CheckpointSeconds checkpoints, LateEvents late)
            throws Exception {
        Map<String, Visit> written = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> timeline = Collections.synchronizedList(new ArrayList<>()); // as streamHistory's, type "visit"
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong eventsScored = new AtomicLong();
        long start = System.currentTimeMillis();
        long measureFrom = start + warmup * 1000L;
        long measureUntil = measureFrom + seconds * 1000L;
        Thread poller = pollWrites(sink, startId, done, write -> {
            Visit visit = written.get(write.customer());
            // valid_as_of is to the second: a row of the visit before is seconds older.
            if (visit == null || write.validAsOf() < visit.eventTime() - visit.eventTime() % 1000) {
                return; // another customer, or a row of this customer's visit before
            }
            written.remove(write.customer());
            eventsScored.addAndGet(visit.events());
            if (visit.writtenAt() >= measureFrom && visit.writtenAt() < measureUntil) {
                latencies.add(write.seenAt() - visit.writtenAt());
                timeline.add(visit.writtenAt() - start + ",visit," + (write.seenAt() - visit.writtenAt()));
            }
        });

        // Each customer's three lines are rendered once as templates: the generator shares the job's
        // two cores, so it should spend them on sending, not on JSON.
        String[] templates = {
                LiveEventFormat.toLine(accountSnapshot(PLACEHOLDER, 0, "Enterprise", 2, 400)),
                LiveEventFormat.toLine(activitySnapshot(PLACEHOLDER, 0, "Critical", "Declining")),
                LiveEventFormat.toLine(valueSnapshot(PLACEHOLDER, 0, "Gold", 90_000, 5))};
        String[] accounts = { // a revisit sends the other one than the customer's last visit
                templates[0], LiveEventFormat.toLine(accountSnapshot(PLACEHOLDER, 0, "Enterprise", 5, 400))};
        String usageTemplate = LiveEventFormat.toLine(usage(PLACEHOLDER, 0));
        java.util.Random random = new java.util.Random(42);
        double lateDue = 0;
        long lateSent = 0;
        int[] lastAccount = new int[population];
        boolean[] incomplete = new boolean[population];
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5"); // Kafka 4's default; counted in the latency
        long sent = 0;
        long sentBeforeMeasuring = -1;
        long eventsScoredBeforeMeasuring = 0;
        int customers = 0;
        long visits = 0;
        long visitsBeforeMeasuring = 0;
        int nextRevisit = 0;
        int pendingInARow = 0;
        long lost = 0;
        // Visits go on for a few seconds after the measured ones: at the end of the stream the watermark
        // waits for the quiet period, which would be the last measured visits' latency.
        long total = (long) rate * (seconds + warmup + TRAILING_SECONDS);
        long visitsUntilMeasureEnd = -1;
        ThreadCpu cpu = new ThreadCpu(job);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            while (sent < total) {
                long now = System.currentTimeMillis();
                if (sentBeforeMeasuring < 0 && now >= measureFrom) {
                    sentBeforeMeasuring = sent;
                    cpu.start();
                    visitsBeforeMeasuring = visits;
                    eventsScoredBeforeMeasuring = eventsScored.get();
                }
                if (visitsUntilMeasureEnd < 0 && now >= measureUntil) {
                    visitsUntilMeasureEnd = visits;
                }
                long due = Math.min(total, (now - start) * rate / 1000);
                while (sent < due) { // a new customer's three events may overshoot by two
                    String customer;
                    long t = System.currentTimeMillis();
                    String time = Instant.ofEpochMilli(t).toString();
                    String[] lines;
                    if (population == 0 || customers < population) {
                        customer = "c" + customers++ + ".bench";
                        lines = templates;
                    } else {
                        int next = nextRevisit;
                        nextRevisit = (nextRevisit + 1) % population;
                        customer = "c" + next + ".bench";
                        Visit pending = written.get(customer);
                        if (pending != null && t - pending.writtenAt() < NEVER_SEEN_MS) { // not in the sink yet
                            if (++pendingInARow == population) {
                                pendingInARow = 0;
                                break; // every customer is: the job is behind
                            }
                            continue;
                        }
                        pendingInARow = 0;
                        if (pending != null && written.remove(customer, pending)) {
                            lost++; // an event of it was late (dead letter): the customer is written afresh
                            incomplete[next] = true;
                        }
                        // The other account than last sent: if that one went to the dead letters, this
                        // visit changes nothing and is lost too, and the next one changes the customer.
                        lastAccount[next] = 1 - lastAccount[next];
                        String account = accounts[lastAccount[next]];
                        lines = incomplete[next] ? new String[] {account, templates[1], templates[2]} : new String[] {account};
                        incomplete[next] = false;
                    }
                    for (String template : lines) {
                        producer.send(new ProducerRecord<>("events", customer, template
                                .replace(PLACEHOLDER + "@0", customer + "@" + t)
                                .replace(EPOCH, time)
                                .replace(PLACEHOLDER, customer)));
                    }
                    written.put(customer, new Visit(System.currentTimeMillis(), t, lines.length));
                    visits++;
                    sent += lines.length;
                    for (lateDue += lines.length * late.share(); lateDue >= 1; lateDue--) {
                        String someone = "c" + random.nextInt(customers) + ".bench";
                        long at = t - (long) (random.nextDouble() * late.byMs());
                        producer.send(new ProducerRecord<>("events", someone, usageTemplate
                                .replace(PLACEHOLDER + "@0", someone + "@" + at + "-" + lateSent)
                                .replace(EPOCH, Instant.ofEpochMilli(at).toString())
                                .replace(PLACEHOLDER, someone)));
                        lateSent++;
                        sent++;
                    }
                }
                Thread.sleep(1);
            }
        }
        long generatorEnd = System.currentTimeMillis();
        long generatorSeconds = generatorEnd - start;
        double achieved = (sent - sentBeforeMeasuring) * 1000.0 / Math.max(1, generatorEnd - measureFrom);
        Thread.sleep(NEVER_SEEN_MS); // the last events' actions
        done.set(true);
        poller.join();
        cpu.stop();
        long expected = (visitsUntilMeasureEnd < 0 ? visits : visitsUntilMeasureEnd) - visitsBeforeMeasuring;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("rate %,d events/s for %d s (+%d s warm-up, +%d s after, not measured; generator took %.1f s,"
                        + " %,.0f events/s after the warm-up): %,d visits measured of %,d; not seen within %d s: %,d, and"
                        + " %,d at the end (late events in dead letters: %,d); late events sent (corrections): %,d%n",
                rate, seconds, warmup, TRAILING_SECONDS, generatorSeconds / 1000.0,
                achieved, sorted.size(), expected, NEVER_SEEN_MS / 1000, lost, written.size(), lateEvents(sink), lateSent);
        if (!sorted.isEmpty()) {
            System.out.printf("event-to-action latency: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                    percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
                    sorted.get(sorted.size() - 1));
        }
        // While the job falls behind it has scored fewer events than were sent.
        cpu.print(sent - sentBeforeMeasuring, eventsScored.get() - eventsScoredBeforeMeasuring);
        checkpoints.print(job.getJobID(), measureFrom, measureUntil, timeline.stream().map(line -> new long[] {
                start + Long.parseLong(line.substring(0, line.indexOf(','))),
                Long.parseLong(line.substring(line.lastIndexOf(',') + 1))}).toList());
        if (!latenciesCsv.isEmpty()) {
            timeline.sort(Comparator.comparingLong(line -> Long.parseLong(line.substring(0, line.indexOf(',')))));
            Files.write(Path.of(latenciesCsv), timeline);
            System.out.printf("latencies written to %s, send times in ms from %s%n", latenciesCsv, Instant.ofEpochMilli(start));
        }
    }

    /**
     * Starts a thread that reads the rows written to the queue after {@code startId}, every 10 ms,
     * and hands each to {@code onWrite} (seen = the poll's time) until {@code done}.
     */
    private static Thread pollWrites(Connection sink, long startId, AtomicBoolean done, Consumer<Write> onWrite) {
        Thread poller = new Thread(() -> {
            long lastId = startId;
            try (PreparedStatement ps = sink.prepareStatement(
                    "SELECT id, customer_id, valid_as_of FROM bench_writes WHERE id > ? ORDER BY id")) {
                while (!done.get()) {
                    ps.setLong(1, lastId);
                    long now = System.currentTimeMillis();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lastId = rs.getLong(1);
                            onWrite.accept(new Write(rs.getString(2), now, Instant.parse(rs.getString(3)).toEpochMilli()));
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "sink poller");
        poller.start();
        return poller;
    }

    /** A row written to the queue, as the sink poller saw it. */
    private record Write(String customer, long seenAt, long validAsOf) {}

    /** An event the generator sent: its customer, type, and when (= its event time). */
    private record Sent(String customer, EventType type, long at) {}

    /**
     * Sends a generated history's events at {@code rate}, in their event-time order, each with the
     * wall clock as its event time, and measures the latency of the events that can be told apart in
     * the queue: those whose customer had no other event in the second before or the 5 s after (the
     * queue's {@code valid_as_of} is to the second, and a later event of the customer could write the
     * row the measured one did not). Such an event's latency runs to the first row of its customer
     * written valid as of its second or later; an event followed by no row within 5 s changed
     * nothing in the queue (product usage alone does not call for an evaluation) or was lost: the
     * late events in the dead letters tell which.
     */
    private static void streamHistory(JobClient job, String bootstrap, Connection sink, int rate, int seconds, int warmup,
                                      Path history, long startId, String latenciesCsv, CheckpointSeconds checkpoints)
            throws Exception {
        // Events go on for a few seconds after the measured ones: at the end of the stream the watermark
        // waits for the quiet period, which would be the last measured events' latency.
        long total = (long) rate * (seconds + warmup + TRAILING_SECONDS);
        List<CustomerEvent> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + history); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all(SqlDialect.SQLITE)) {
                try (ResultSet rs = s.executeQuery(q.sql())) {
                    while (rs.next()) {
                        CustomerEvent e = q.extractor().extract(rs);
                        if (e.type != EventType.OUTCOME) { // what happened later: for backtests, not a live event
                            events.add(e);
                        }
                    }
                }
            }
        }
        if (events.size() < total) {
            throw new IllegalArgumentException(history + " has " + events.size() + " events; " + rate + " events/s for "
                    + (seconds + warmup + TRAILING_SECONDS) + " s need " + total + ": generate more companies or days");
        }
        events.sort(Comparator.comparingLong(e -> e.eventTime)); // stable: each table's order kept within a time
        // Rendered once with the epoch as event time, so the generator spends its time sending, not on JSON.
        List<String> lines = new ArrayList<>((int) total);
        for (CustomerEvent e : events.subList(0, (int) total)) {
            e.eventTime = 0;
            lines.add(LiveEventFormat.toLine(e));
        }
        System.out.printf("events from %s: the first %,d of %,d%n", history, total, events.size());

        List<Write> writes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        Thread poller = pollWrites(sink, startId, done, writes::add);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5"); // Kafka 4's default; counted in the latency
        Sent[] sent = new Sent[(int) total];
        long start = System.currentTimeMillis();
        long measureFrom = start + warmup * 1000L;
        long measureUntil = measureFrom + seconds * 1000L;
        int next = 0;
        int sentBeforeMeasuring = -1;
        ThreadCpu cpu = new ThreadCpu(job);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            while (next < total) {
                long now = System.currentTimeMillis();
                if (sentBeforeMeasuring < 0 && now >= measureFrom) {
                    sentBeforeMeasuring = next;
                    cpu.start();
                }
                long due = Math.min(total, (now - start) * rate / 1000);
                while (next < due) {
                    CustomerEvent e = events.get(next);
                    long t = System.currentTimeMillis();
                    producer.send(new ProducerRecord<>("events", e.customerId,
                            lines.get(next).replace(EPOCH, Instant.ofEpochMilli(t).toString())));
                    sent[next++] = new Sent(e.customerId, e.type, t);
                }
                Thread.sleep(1);
            }
        }
        long generatorEnd = System.currentTimeMillis();
        double achieved = (next - sentBeforeMeasuring) * 1000.0 / Math.max(1, generatorEnd - measureFrom);
        int sentMeasured = (int) Arrays.stream(sent).filter(s -> s.at() >= measureFrom && s.at() < measureUntil).count();
        Thread.sleep(NEVER_SEEN_MS); // the last events' actions
        done.set(true);
        poller.join();
        cpu.stop();

        Map<String, List<Write>> writesByCustomer = new HashMap<>();
        for (Write w : writes) {
            writesByCustomer.computeIfAbsent(w.customer(), k -> new ArrayList<>()).add(w);
        }
        Map<String, List<Sent>> sentByCustomer = new HashMap<>();
        for (Sent s : sent) {
            sentByCustomer.computeIfAbsent(s.customer(), k -> new ArrayList<>()).add(s);
        }
        List<Long> latencies = new ArrayList<>();
        List<String> timeline = new ArrayList<>(); // "ms since start,type,latency ms" of each measured event
        Map<EventType, long[]> byType = new TreeMap<>(); // isolated events: {with a row written, without}
        for (List<Sent> ofCustomer : sentByCustomer.values()) {
            List<Write> rows = writesByCustomer.getOrDefault(ofCustomer.get(0).customer(), List.of());
            for (int i = 0; i < ofCustomer.size(); i++) {
                Sent s = ofCustomer.get(i);
                boolean isolated = (i == 0 || s.at() - ofCustomer.get(i - 1).at() >= 1_000)
                        && (i + 1 == ofCustomer.size() || ofCustomer.get(i + 1).at() - s.at() >= NEVER_SEEN_MS);
                if (s.at() < measureFrom || s.at() >= measureUntil || !isolated) {
                    continue;
                }
                long second = s.at() - s.at() % 1000;
                Write row = rows.stream().filter(w -> w.validAsOf() >= second && w.seenAt() >= s.at()).findFirst()
                        .orElse(null);
                boolean written = row != null && row.seenAt() - s.at() < NEVER_SEEN_MS;
                byType.computeIfAbsent(s.type(), k -> new long[2])[written ? 0 : 1]++;
                if (written) {
                    latencies.add(row.seenAt() - s.at());
                    timeline.add(s.at() - start + "," + s.type() + "," + (row.seenAt() - s.at()));
                }
            }
        }
        Collections.sort(latencies);
        System.out.printf("rate %,d events/s for %d s (+%d s warm-up, +%d s after, not measured; generator took %.1f s,"
                        + " %,.0f events/s after the warm-up); late events in dead letters: %,d%n", rate, seconds, warmup,
                TRAILING_SECONDS,
                (generatorEnd - start) / 1000.0, achieved, lateEvents(sink));
        System.out.println("events measured (no other event of the customer 1 s before or 5 s after): a row written"
                + " within 5 s / none");
        byType.forEach((type, n) -> System.out.printf("  %-24s %,8d / %,d%n", type, n[0], n[1]));
        if (!latencies.isEmpty()) {
            System.out.printf("event-to-action latency of the %,d with a row: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                    latencies.size(), percentile(latencies, 0.50), percentile(latencies, 0.90),
                    percentile(latencies, 0.99), latencies.get(latencies.size() - 1));
        }
        cpu.print(next - sentBeforeMeasuring, next - sentBeforeMeasuring);
        System.out.printf("events sent in the measured %d s: %,d%n", seconds, sentMeasured);
        checkpoints.print(job.getJobID(), measureFrom, measureUntil, timeline.stream().map(line -> new long[] {
                start + Long.parseLong(line.substring(0, line.indexOf(','))),
                Long.parseLong(line.substring(line.lastIndexOf(',') + 1))}).toList());
        if (!latenciesCsv.isEmpty()) {
            timeline.sort(Comparator.comparingLong(line -> Long.parseLong(line.substring(0, line.indexOf(',')))));
            Files.write(Path.of(latenciesCsv), timeline);
            System.out.printf("latencies written to %s, send times in ms from %s%n", latenciesCsv, Instant.ofEpochMilli(start));
        }
    }

    /** How long the history's events go on after the measured ones. */
    private static final int TRAILING_SECONDS = 3;

    /** A visit not in the sink after this long is not waited for (its events were late: dead letters). */
    private static final long NEVER_SEEN_MS = 5_000;
    private static final String PLACEHOLDER = "CUSTOMER";
    private static final String EPOCH = Instant.ofEpochMilli(0).toString();

    /**
     * CPU time of every thread of this JVM over the measured part (after the warm-up, to the end of
     * the drain), by role: what the job costs per event whatever else runs on the machine, and how
     * much of it the generator and the in-process broker take. JIT and GC threads are not Java
     * threads and are only in the process total.
     */
    private static final class ThreadCpu {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> startCpu = new HashMap<>();
        private final Map<String, Long> cpuByRole = new TreeMap<>();
        private long startProcessCpu;
        private long processCpu;
        private long startJitMs;
        private long jitMs;
        private long startGcMs;
        private long gcMs;
        private long startWall;
        private long wall;
        private final JobClient job;
        private long startEvaluations;
        private long evaluations;

        ThreadCpu(JobClient job) {
            this.job = job;
        }

        /** The job's rule evaluations so far (its accumulator, read from the running job). */
        private long evaluations() throws Exception {
            Object count = job.getAccumulators().get().get(RuleEvaluationFunction.EVALUATIONS);
            return count == null ? 0 : ((Number) count).longValue();
        }

        void start() throws Exception {
            startEvaluations = evaluations();
            startWall = System.nanoTime();
            startProcessCpu = processCpu();
            startJitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            startGcMs = gcMs();
            for (long id : threads.getAllThreadIds()) {
                startCpu.put(id, threads.getThreadCpuTime(id));
            }
        }

        void stop() throws Exception {
            evaluations = evaluations() - startEvaluations;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    cpuByRole.merge(role(info.getThreadName()), cpu - startCpu.getOrDefault(info.getThreadId(), 0L),
                            Long::sum);
                }
            }
            processCpu = processCpu() - startProcessCpu;
            jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - startJitMs;
            gcMs = gcMs() - startGcMs;
            wall = System.nanoTime() - startWall;
        }

        private static long processCpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        private static long gcMs() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        }

        /** A Flink task thread's operator chain ("Customer features (1/2)#0" -> "task: Customer features"). */
        private static String role(String thread) {
            if (thread.equals("main") || thread.startsWith("kafka-producer-network-thread")) {
                return "generator (producer)";
            }
            if (thread.equals("sink poller")) {
                return "benchmark: sink poller";
            }
            Matcher task = TASK.matcher(thread);
            if (task.matches()) {
                return "job task: " + task.group(1);
            }
            if (thread.startsWith("Source Data Fetcher") || thread.startsWith("kafka-coordinator-heartbeat")) {
                return "job: Kafka consumer (fetcher)";
            }
            if (thread.startsWith("jdbc-upsert-output-format")) {
                return "job: JDBC sink flusher";
            }
            if (thread.startsWith("AsyncOperations")) {
                return "job: checkpoints (async part)";
            }
            if (thread.startsWith("Output Flusher")) {
                return "job: network output flusher";
            }
            if (thread.contains("kafka") || thread.startsWith("data-plane") || thread.contains("raft")
                    || thread.startsWith("controller") || thread.startsWith("broker") || thread.startsWith("quorum")) {
                return "broker (in-process Kafka)";
            }
            return "other (Flink runtime, JMX, ...)";
        }

        private static final Pattern TASK = Pattern.compile("(.*) \\(\\d+/\\d+\\)#\\d+");

        void print(long sent, long events) {
            System.out.printf("CPU over the measured %.1f s (%,d events sent, %,d through the job: per event below):"
                            + " process %.1f s (%.0f%% of one core; JIT compiling %.1f s and GC %.1f s of it, by their"
                            + " own clocks)%n", wall / 1e9, sent, events, processCpu / 1e9, 100.0 * processCpu / wall,
                    jitMs / 1e3, gcMs / 1e3);
            System.out.printf("rule evaluations: %,d (%.2f per event through the job)%n", evaluations,
                    evaluations / (double) Math.max(1, events));
            cpuByRole.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf("  %-70s %7.2f s  %6.1f us/event%n", e.getKey(), e.getValue() / 1e9,
                            e.getValue() / 1e3 / Math.max(1, events)));
        }
    }

    static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /**
     * The benchmark's view of the sink: every row the job inserts or updates in the queue, in order
     * (an upsert keeps a row's id, so the queue itself cannot be polled for updates by id).
     */
    private static void logWrites(String sink) throws Exception {
        try (Connection c = DriverManager.getConnection(sink); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bench_writes (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id TEXT, valid_as_of TEXT)");
            for (String event : new String[] {"INSERT", "UPDATE"}) {
                st.execute("CREATE TRIGGER bench_" + event.toLowerCase(Locale.ROOT) + " AFTER " + event
                        + " ON recommended_actions BEGIN INSERT INTO bench_writes (customer_id, valid_as_of)"
                        + " VALUES (new.customer_id, new.valid_as_of); END");
            }
        }
    }

    private static long lateEvents(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM dead_letters WHERE reason LIKE 'late event%'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static long maxId(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM bench_writes");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}

package io.pulse.bench;

import io.pulse.flink.SideOutputs;
import io.pulse.events.CustomerEvent;
import io.pulse.features.Cadence;
import io.pulse.features.CustomerFeatureFunction;
import io.pulse.features.PeriodFeatures;
import io.pulse.features.PopulationAggregator;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryQueries;
import io.pulse.jdbc.SqlDialect;
import io.pulse.evaluation.EvaluatorDescriptors;
import io.pulse.evaluation.RuleEvaluationFunction;
import io.pulse.rules.pack.RuleSet;
import io.pulse.evaluation.BroadcastUpdate;
import io.pulse.rules.facts.Population;
import io.pulse.model.Recommendation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.FileUtils;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * State per customer of the job's keyed operators at N customers: the real customer-features,
 * population and rule-evaluation functions in Flink's operator test harnesses on the chosen state
 * backend, fed day by day (event time, watermarks at each day's end) with N customers whose events
 * are copies of the customers of a small generated history (each copy its own objects, under its
 * own id). Then the heap used (after GC) minus the heap before, per customer; on RocksDB also the
 * database files on disk. Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java -Xmx12g ... io.pulse.bench.StateSizeBenchmark CUSTOMERS DAYS hashmap|rocksdb</pre>
 */
public final class StateSizeBenchmark {
    private static final long DAY = Duration.ofDays(1).toMillis();
    /**
     * Managed memory of one slot in docker/compose.yaml: a 2 GB TaskManager process less 512 MB of
     * metaspace and 10% overhead leaves ~1.3 GB of Flink memory, 40% of it managed, over 2 slots.
     * Each harness here is a slot of its own, so each operator gets a third.
     */
    private static final int SLOT_MANAGED_MEMORY_MB = 264;

    public static void main(String[] args) throws Exception {
        int customers = Integer.parseInt(args[0]);
        int days = Integer.parseInt(args[1]);
        boolean rocksdb = args[2].equals("rocksdb");
        Path dir = Files.createTempDirectory("pulse-state-bench");

        // Templates: the customers of a generated history, each a list of events in time order.
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(200, days, 42, LocalDate.of(2025, 1, 1), history)).generate();
        Map<String, List<CustomerEvent>> byCustomer = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + history); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all(SqlDialect.SQLITE)) {
                try (ResultSet rs = s.executeQuery(q.sql())) {
                    while (rs.next()) {
                        CustomerEvent e = q.extractor().extract(rs);
                        if (e.customerId != null && e.eventTime != Long.MIN_VALUE) {
                            byCustomer.computeIfAbsent(e.customerId, k -> new ArrayList<>()).add(e);
                        }
                    }
                }
            }
        }
        List<List<CustomerEvent>> templates = new ArrayList<>(byCustomer.values());
        long eventsPerRound = templates.stream().mapToLong(List::size).sum();
        // day -> template -> events of that day
        TreeMap<Long, Map<Integer, List<CustomerEvent>>> calendar = new TreeMap<>();
        for (int t = 0; t < templates.size(); t++) {
            for (CustomerEvent e : templates.get(t)) {
                calendar.computeIfAbsent(Math.floorDiv(e.eventTime, DAY), d -> new TreeMap<>())
                        .computeIfAbsent(t, x -> new ArrayList<>()).add(e);
            }
        }
        calendar.values().forEach(m -> m.values().forEach(l -> l.sort(Comparator.comparingLong(e -> e.eventTime))));
        TypeSerializer<CustomerEvent> copier = TypeInformation.of(CustomerEvent.class)
                .createSerializer(new SerializerConfigImpl());

        Path rocksDir = Files.createDirectories(dir.resolve("rocksdb"));
        StateBackend backend = rocksdb ? rocksDb(rocksDir) : new HashMapStateBackend();
        var features = new KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures>(
                new KeyedProcessOperator<>(new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1)))),
                e -> e.customerId, Types.STRING);
        var population = new KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population>(
                new KeyedProcessOperator<>(new PopulationAggregator()), f -> PopulationAggregator.ALL, Types.INT);
        var evaluation = new KeyedBroadcastOperatorTestHarness<String, PeriodFeatures, BroadcastUpdate, Recommendation>(
                new CoBroadcastWithKeyedOperator<>(new RuleEvaluationFunction(RuleSet.load(Path.of("rules"))),
                        List.of(EvaluatorDescriptors.POPULATIONS, EvaluatorDescriptors.ACTIVE_RULES)),
                f -> f.customerId, Types.STRING, 128, 1, 0);
        for (var h : List.of(features, population)) {
            h.setStateBackend(backend);
        }
        evaluation.setStateBackend(backend);
        features.open();
        population.open();
        evaluation.open();
        long heapBefore = usedHeapAfterGc();

        long start = System.nanoTime();
        long events = 0;
        long recommendations = 0;
        long evaluated = 0;
        long populations = 0;
        int copies = (customers + templates.size() - 1) / templates.size();
        for (Map.Entry<Long, Map<Integer, List<CustomerEvent>>> day : calendar.entrySet()) {
            for (int copy = 0; copy < copies; copy++) {
                for (Map.Entry<Integer, List<CustomerEvent>> t : day.getValue().entrySet()) {
                    int customer = copy * templates.size() + t.getKey();
                    if (customer >= customers) {
                        continue;
                    }
                    for (CustomerEvent template : t.getValue()) {
                        CustomerEvent e = copier.copy(template);
                        e.customerId = template.customerId + "~" + copy;
                        if (e.account != null) {
                            e.account.setCustomerId(e.customerId);
                        }
                        features.processElement(new StreamRecord<>(e, e.eventTime));
                        events++;
                    }
                }
            }
            long endOfDay = (day.getKey() + 1) * DAY - 1;
            features.processWatermark(new Watermark(endOfDay));
            evaluated += features.extractOutputValues().stream().filter(PeriodFeatures::isComplete).count();
            for (PeriodFeatures f : features.extractOutputValues()) {
                population.processElement(new StreamRecord<>(f, f.asOf));
                evaluation.processElement(new StreamRecord<>(f, f.asOf));
            }
            features.getOutput().clear();
            population.processWatermark(new Watermark(endOfDay));
            populations += population.extractOutputValues().size();
            for (Population p : population.extractOutputValues()) {
                evaluation.processBroadcastElement(new StreamRecord<>(BroadcastUpdate.of(p), p.getAsOf()));
            }
            population.getOutput().clear();
            evaluation.processWatermark(new Watermark(endOfDay));
            evaluation.processBroadcastWatermark(new Watermark(endOfDay));
            recommendations += evaluation.extractOutputValues().size();
            var letters = evaluation.getSideOutput(SideOutputs.DEAD_LETTERS);
            if (letters != null && !letters.isEmpty()) {
                io.pulse.model.DeadLetter d = (io.pulse.model.DeadLetter) letters.peek().getValue();
                throw new IllegalStateException(letters.size() + " dead letters, e.g. " + d.source + ": " + d.reason);
            }
            evaluation.getOutput().clear();
            System.out.printf("day %,d: %,d events fed, %.0f s%n", day.getKey(), events, (System.nanoTime() - start) / 1e9);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapAfter = usedHeapAfterGc();
        long disk = rocksdb ? directorySize(rocksDir) : 0;
        System.out.printf("%s, %,d customers (copies of %d generated customers, %d days of events; %,d events a"
                        + " round of templates)%n", rocksdb ? "RocksDB" : "heap (hashmap)", customers, templates.size(),
                days, eventsPerRound);
        System.out.printf("fed %,d events: %,d complete feature updates, %,d population snapshots, %,d recommendations in %.1f s%n",
                events, evaluated, populations, recommendations, seconds);
        System.out.printf("heap used after GC: %,d MB before, %,d MB after: %,d bytes per customer%n",
                heapBefore >> 20, heapAfter >> 20, (heapAfter - heapBefore) / customers);
        if (rocksdb) {
            System.out.printf("RocksDB files on disk (uncompacted, before a checkpoint): %,d MB: %,d bytes per customer%n",
                    disk >> 20, disk / customers);
        }
        // Which state holds it: each keyed state serialized over every key; then cleared for every key,
        // one after the other, with the heap measured after GC (what is left is timers and tables).
        List<StateShare> shares = List.of(
                new StateShare("customer features", features, CustomerFeatureFunction.CUSTOMER),
                new StateShare("customer features", features, CustomerFeatureFunction.PENDING_EVENTS),
                new StateShare("population figures", population, PopulationAggregator.CONTRIBUTIONS),
                new StateShare("population figures", population, PopulationAggregator.FIGURES),
                new StateShare("population figures", population, PopulationAggregator.PENDING_CONTRIBUTIONS),
                new StateShare("evaluate rules", evaluation, RuleEvaluationFunction.EVALUATED),
                new StateShare("evaluate rules", evaluation, RuleEvaluationFunction.PENDING_FEATURES));
        if (rocksdb) {
            // What is left once compaction has dropped the overwritten versions (and flushed the memtables).
            for (StateShare share : shares) {
                ((RocksDBKeyedStateBackend<?>) share.backend()).compactState(share.state);
            }
            long compacted = directorySize(rocksDir);
            System.out.printf("RocksDB files on disk after compacting every keyed state: %,d MB: %,d bytes per customer%n",
                    compacted >> 20, compacted / customers);
        }
        long[] serialized = new long[shares.size()];
        for (int i = 0; i < shares.size(); i++) {
            serialized[i] = shares.get(i).serializedBytes();
        }
        System.out.printf("%-18s %-34s %16s %22s%n", "operator", "state", "heap B/customer", "serialized B/customer");
        long heap = usedHeapAfterGc();
        System.out.printf("(heap used after GC again: %,d bytes per customer)%n", (heap - heapBefore) / customers);
        for (int i = 0; i < shares.size(); i++) {
            shares.get(i).clear();
            long after = usedHeapAfterGc();
            System.out.printf("%-18s %-34s %,16d %,22d%n", shares.get(i).operator, shares.get(i).state.getName(),
                    (heap - after) / customers, serialized[i] / customers);
            heap = after;
        }
        System.out.printf("%-18s %-34s %,16d%n", "all", "rest (timers, state tables)", (heap - heapBefore) / customers);
        // The events fed were on the heap when it was first measured: keep them there until the last
        // measurement, or a compiled main() lets the collector take them and the figures shrink.
        Reference.reachabilityFence(templates);
        Reference.reachabilityFence(calendar);
        evaluation.close();
        population.close();
        features.close();
        FileUtils.deleteDirectory(dir.toFile()); // the history and, on RocksDB, gigabytes of state files
    }

    /**
     * RocksDB as docker/compose.yaml configures it: incremental checkpoints, partitioned index and
     * filter blocks, and the managed memory of one slot. A harness has almost none (RocksDB would
     * flush its memtable every few hundred KB written), so it is given as fixed memory.
     */
    private static StateBackend rocksDb(Path dir) {
        EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend(true);
        rocksDb.setDbStoragePath(dir.toString());
        rocksDb.getMemoryConfiguration().setFixedMemoryPerSlot(MemorySize.ofMebiBytes(SLOT_MANAGED_MEMORY_MB / 3));
        Configuration settings = new Configuration();
        settings.set(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, true);
        return rocksDb.configure(settings, StateSizeBenchmark.class.getClassLoader());
    }

    /** One keyed state of one operator in its harness. */
    private record StateShare(String operator, AbstractStreamOperatorTestHarness<?> harness,
                              StateDescriptor<?, ?> state) {
        /** The bytes the state's own serializers write over every key: what RocksDB and checkpoints hold. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        long serializedBytes() throws Exception {
            DataOutputSerializer out = new DataOutputSerializer(4096);
            backend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, state,
                    (key, value) -> serialize((StateDescriptor) state, (State) value, out));
            return out.length();
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void clear() throws Exception {
            backend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, state,
                    (key, value) -> ((State) value).clear());
        }

        @SuppressWarnings("rawtypes")
        private KeyedStateBackend backend() {
            return harness.getOperator().getKeyedStateBackend();
        }
    }

    /** Appends one key's value of the state to {@code out}, written by the state's own serializers. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void serialize(StateDescriptor descriptor, State state, DataOutputSerializer out) throws Exception {
        if (state instanceof ValueState value) {
            if (value.value() != null) {
                descriptor.getSerializer().serialize(value.value(), out);
            }
        } else {
            MapStateDescriptor map = (MapStateDescriptor) descriptor;
            for (Object o : ((MapState) state).entries()) {
                Map.Entry entry = (Map.Entry) o;
                map.getKeySerializer().serialize(entry.getKey(), out);
                map.getValueSerializer().serialize(entry.getValue(), out);
            }
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

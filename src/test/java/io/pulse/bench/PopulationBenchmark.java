package io.pulse.bench;

import io.pulse.features.PeriodFeatures;
import io.pulse.features.PopulationAggregator;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.util.Random;

/**
 * Cost of one period of the population figures: N customers in state, a share of them sending new
 * features each period, then the watermark passing the period's end (the figures' timer). Runs
 * {@link PopulationAggregator} in Flink's operator test harness, one thread. Not a test: run it by
 * hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.PopulationBenchmark [customers] [changing share] [periods] [hashmap|rocksdb]</pre>
 */
public final class PopulationBenchmark {
    private static final String[] TIERS = {"Basic", "Silver", "Gold", "Platinum"};

    public static void main(String[] args) throws Exception {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        double share = args.length > 1 ? Double.parseDouble(args[1]) : 0.01;
        int periods = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        boolean rocksdb = args.length > 3 && args[3].equals("rocksdb");
        int changing = Math.max(1, (int) (customers * share));
        Random random = new Random(7);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population>(
                new KeyedProcessOperator<>(new PopulationAggregator()), f -> PopulationAggregator.ALL, Types.INT)) {
            if (rocksdb) {
                // RocksDB's own memory defaults: the harness's managed memory (a few hundred KB) flushes
                // the memtable at every few writes, and point reads then search dozens of files.
                EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
                backend.getMemoryConfiguration().setUseManagedMemory(false);
                h.setStateBackend(backend);
            }
            h.open();
            for (int c = 0; c < customers; c++) {
                h.processElement(new StreamRecord<>(features(random, c, 0), 0));
            }
            h.processWatermark(new Watermark(0));
            // Warm-up (JIT) as long as the measured run, then the measured periods.
            for (boolean measured : new boolean[] {false, true}) {
                long start = System.nanoTime();
                for (int p = 1; p <= periods; p++) {
                    long period = (measured ? periods : 0) + p;
                    for (int i = 0; i < changing; i++) {
                        h.processElement(new StreamRecord<>(features(random, random.nextInt(customers), period), period));
                    }
                    h.processWatermark(new Watermark(period));
                    h.getOutput().clear();
                }
                double micros = (System.nanoTime() - start) / 1e3;
                if (measured) {
                    System.out.printf("%,d customers (%s), %,d changing per period, %,d periods: %,.0f us per period,"
                                    + " %,.2f us per changed customer%n", customers, rocksdb ? "rocksdb" : "hashmap",
                            changing, periods, micros / periods, micros / periods / changing);
                }
            }
        }
    }

    /** Random features valid as of {@code asOf}: continuous revenue, so a bound's holder rarely changes. */
    private static PeriodFeatures features(Random random, int customer, long asOf) {
        PeriodFeatures f = new PeriodFeatures();
        f.customerId = "c" + customer;
        f.asOf = asOf;
        f.account = new Account();
        f.account.setAnnualRevenue(random.nextDouble() * 1e9);
        f.account.setTotalWonAmount(random.nextDouble() * 1e7);
        f.account.setEmployees(random.nextInt(50_000));
        f.profile = new CustomerProfile();
        f.profile.setCustomerTier(TIERS[random.nextInt(TIERS.length)]);
        f.profile.setEstimatedLtv(1_000 + random.nextDouble() * 40_000);
        f.profile.setActivityRiskLevel("Low");
        f.profile.setCompositeEngagementScore(random.nextDouble() * 20);
        return f;
    }
}

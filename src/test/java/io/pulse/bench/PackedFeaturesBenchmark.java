package io.pulse.bench;

import io.pulse.features.PeriodFeatures;
import io.pulse.rules.engine.CustomerFacts;
import io.pulse.evaluation.EvaluatorState;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the rule evaluator pays, per evaluation, to keep a customer's latest features in its packed
 * state ({@link EvaluatorState.Codec#setFeatures} then {@code encode}, on every evaluation), and
 * to read them back ({@code decode} then {@code features}, once per customer on a rule reload),
 * on the features a replay of a history really evaluates ({@link FactsCorpus}, every 4th). Prints
 * the thread's CPU per call and the packed bytes per customer.
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" \
 *   io.pulse.bench.PackedFeaturesBenchmark data/demo/history.sqlite [rounds]
 * </pre>
 */
public final class PackedFeaturesBenchmark {
    private PackedFeaturesBenchmark() {}

    public static void main(String[] args) throws Exception {
        String history = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        RuleEngine engine = RuleEngine.compile(RuleSet.load(Path.of("rules")));
        List<PeriodFeatures> corpus = new ArrayList<>();
        for (FactsCorpus.Evaluation e : FactsCorpus.read("jdbc:sqlite:" + history, engine, 4)) {
            corpus.add(features(e.facts(), e.asOf()));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        EvaluatorState.Codec codec = EvaluatorState.Codec.of(t -> t.createSerializer(new SerializerConfigImpl()));
        List<byte[]> packed = new ArrayList<>(corpus.size());
        for (int round = 1; round <= rounds; round++) {
            packed.clear();
            long start = threads.getCurrentThreadCpuTime();
            long bytes = 0;
            for (PeriodFeatures f : corpus) {
                EvaluatorState state = new EvaluatorState();
                codec.setFeatures(state, f);
                byte[] p = codec.encode(state);
                bytes += p.length;
                packed.add(p);
            }
            long packing = threads.getCurrentThreadCpuTime() - start;
            start = threads.getCurrentThreadCpuTime();
            for (byte[] p : packed) {
                if (codec.features(codec.decode(p)) == null) {
                    throw new IllegalStateException("packed features did not read back");
                }
            }
            long reading = threads.getCurrentThreadCpuTime() - start;
            System.out.printf("round %d%s: %,d customers' features: pack %.2f us CPU each, read back %.2f us each;"
                            + " %.0f packed bytes each%n", round, round == 1 ? " (warm-up)" : "", corpus.size(),
                    packing / 1000.0 / corpus.size(), reading / 1000.0 / corpus.size(),
                    bytes / (double) corpus.size());
        }
    }

    /** The features an evaluation of {@code facts} was made from, as the features operator emits them. */
    private static PeriodFeatures features(CustomerFacts facts, long asOf) {
        PeriodFeatures f = new PeriodFeatures();
        f.customerId = facts.account().getCustomerId();
        f.asOf = asOf - 1;
        f.account = facts.account();
        f.profile = facts.profile();
        f.subscription = facts.subscription();
        f.support = facts.support();
        f.planChange = facts.planChange();
        return f;
    }
}

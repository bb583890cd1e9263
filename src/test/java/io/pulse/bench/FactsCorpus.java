package io.pulse.bench;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventValidator;
import io.pulse.features.Cadence;
import io.pulse.features.CustomerFeatureFunction;
import io.pulse.features.PeriodFeatures;
import io.pulse.features.PopulationAggregator;
import io.pulse.history.HistoryQueries;
import io.pulse.jdbc.SqlDialect;
import io.pulse.rules.engine.CustomerFacts;
import io.pulse.rules.engine.PreviousEvaluation;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.facts.Population;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * The facts the job really evaluates on a history: its events, read and validated as the job
 * reads them, run in event-time order through the job's own features and population operators
 * (one thread, Flink test harnesses, daily cadence), and the previous health band of each customer
 * from evaluating those facts in order with the given engine. For benchmarks: the rules meet the
 * same mix of accounts, profiles, subscriptions, support activity and plan-change windows as in a
 * replay.
 */
public final class FactsCorpus {
    private static final long DAY = Duration.ofDays(1).toMillis();

    /** One evaluation of a replay: the customer's facts, the population it used, when. */
    public record Evaluation(CustomerFacts facts, Population population, long asOf) {}

    private FactsCorpus() {}

    /**
     * @param keepEvery keep one evaluation in this many (in event-time order), to bound memory
     */
    public static List<Evaluation> read(String historyUrl, RuleEngine engine, int keepEvery) throws Exception {
        List<CustomerEvent> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(historyUrl); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all(SqlDialect.SQLITE)) {
                try (ResultSet rs = s.executeQuery(q.sql())) {
                    while (rs.next()) {
                        CustomerEvent e = q.extractor().extract(rs);
                        if (EventValidator.problem(e) == null) {
                            events.add(e);
                        }
                    }
                }
            }
        }
        events.sort(Comparator.comparingLong(e -> e.eventTime)); // stable: each table's order kept

        List<Evaluation> corpus = new ArrayList<>();
        Map<String, String> bands = new HashMap<>();
        long[] seen = {0};
        try (KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> features =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                             new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1))), e -> e.customerId,
                             Types.STRING);
             KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population> population =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PopulationAggregator(),
                             f -> PopulationAggregator.ALL, Types.INT)) {
            Population[] current = {null};
            long dayEnd = Long.MIN_VALUE;
            for (CustomerEvent e : events) {
                if (dayEnd == Long.MIN_VALUE) {
                    dayEnd = Math.floorDiv(e.eventTime, DAY) * DAY + DAY - 1;
                }
                while (e.eventTime > dayEnd) {
                    endDay(features, population, dayEnd, current, engine, bands, corpus, keepEvery, seen);
                    dayEnd += DAY;
                }
                features.processElement(new StreamRecord<>(e, e.eventTime));
            }
            endDay(features, population, dayEnd, current, engine, bands, corpus, keepEvery, seen);
        }
        return corpus;
    }

    /** Fires the day's timers: features first, then the population they make, then evaluation. */
    private static void endDay(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> features,
                               KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population> population,
                               long dayEnd, Population[] current, RuleEngine engine, Map<String, String> bands,
                               List<Evaluation> corpus, int keepEvery, long[] seen) throws Exception {
        features.processWatermark(new Watermark(dayEnd));
        List<PeriodFeatures> day = features.extractOutputValues();
        features.getOutput().clear();
        for (PeriodFeatures f : day) {
            population.processElement(new StreamRecord<>(f, f.asOf));
        }
        population.processWatermark(new Watermark(dayEnd));
        List<Population> snapshots = population.extractOutputValues();
        population.getOutput().clear();
        if (!snapshots.isEmpty()) {
            current[0] = snapshots.get(snapshots.size() - 1);
        }
        if (current[0] == null) {
            return;
        }
        for (PeriodFeatures f : day) {
            if (!f.isComplete()) {
                continue;
            }
            CustomerFacts facts = new CustomerFacts(f.account, f.profile, f.subscription, f.support, f.planChange,
                    new PreviousEvaluation(bands.get(f.customerId), null, null, List.of()));
            bands.put(f.customerId, engine.evaluate(facts, current[0], f.asOf + 1).healthBand());
            if (seen[0]++ % keepEvery == 0) {
                corpus.add(new Evaluation(facts, current[0], f.asOf + 1));
            }
        }
    }
}

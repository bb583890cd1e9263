package io.pulse.bench;

import io.pulse.events.CustomerEvent;
import io.pulse.features.BuiltInSources;
import io.pulse.features.Observation;
import io.pulse.features.ObservationLog;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistoryQueries;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state declared features add per customer: each customer's observation log as the evaluator
 * keeps it (packed) at the end of a history, built from the history's rows as the job observes
 * them. The log holds every row of the observed sources, so its size does not depend on how many
 * features a pack declares. Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.ObservationLogSize HISTORY.sqlite</pre>
 */
public final class ObservationLogSize {

    public static void main(String[] args) throws Exception {
        String url = "jdbc:sqlite:" + Path.of(args[0]);
        Map<String, List<Observation>> byCustomer = new HashMap<>();
        long end = Long.MIN_VALUE;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all(HistoryDatabase.of(url).dialect())) {
                try (ResultSet rs = s.executeQuery(q.sql())) {
                    while (rs.next()) {
                        CustomerEvent e = q.extractor().extract(rs);
                        end = Math.max(end, e.eventTime);
                        Observation o = BuiltInSources.observe(e);
                        if (o != null && e.customerId != null) {
                            byCustomer.computeIfAbsent(e.customerId, k -> new ArrayList<>()).add(o);
                        }
                    }
                }
            }
        }
        List<Integer> sizes = new ArrayList<>();
        long rows = 0;
        for (List<Observation> observed : byCustomer.values()) {
            ObservationLog log = new ObservationLog();
            log.addAll(observed);
            log.evict(end + 1);
            rows += log.rows().size();
            sizes.add(log.pack().length);
        }
        sizes.sort(Integer::compare);
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        System.out.printf("%,d customers: observation log at the history's end, packed: mean %,d bytes,"
                        + " median %,d, p99 %,d, max %,d; %.1f rows per customer; %,d bytes in all%n",
                sizes.size(), total / sizes.size(), sizes.get(sizes.size() / 2),
                sizes.get((int) (sizes.size() * 0.99)), sizes.get(sizes.size() - 1), rows / (double) sizes.size(), total);
    }
}

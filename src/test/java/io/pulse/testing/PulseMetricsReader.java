package io.pulse.testing;

import io.pulse.flink.PulseMetrics;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.Map;
import java.util.TreeMap;

/** Pulse's metrics of a job on a MiniCluster with an {@link InMemoryReporter}, summed over operators and instances. */
public final class PulseMetricsReader {
    private PulseMetricsReader() {}

    /** The sum of a counter's counts, or a histogram's sample counts, named {@code pulse.<name>}. */
    public static long sum(InMemoryReporter reporter, JobID job, String name) {
        long sum = 0;
        for (Metric m : pulseMetrics(reporter, job, name).values()) {
            if (m instanceof Counter c) {
                sum += c.getCount();
            } else if (m instanceof Histogram h) {
                sum += h.getCount();
            }
        }
        return sum;
    }

    /** Every {@code pulse.<name>} metric of the job, by its group's scope and the name. */
    public static Map<String, Metric> pulseMetrics(InMemoryReporter reporter, JobID job, String name) {
        Map<String, Metric> found = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> e : reporter.getMetricsByGroup().entrySet()) {
            MetricGroup group = e.getKey();
            String[] scope = group.getScopeComponents();
            Metric m = e.getValue().get(name);
            if (m != null && scope.length > 0 && scope[scope.length - 1].equals(PulseMetrics.GROUP)
                    && job.toString().equals(group.getAllVariables().get("<job_id>"))) {
                found.put(String.join(".", scope) + "." + name, m);
            }
        }
        return found;
    }
}

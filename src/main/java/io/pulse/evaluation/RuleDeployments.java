package io.pulse.evaluation;

import io.pulse.model.RuleDeployment;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of {@code rule_deployments} (one task): passes the watcher's records on, and once every
 * evaluator instance has reported re-scoring all its customers under the active pack, emits that
 * pack's row again with the re-score's time and totals. That update is what says "every customer is
 * re-scored under version X" (a row the new pack would write exactly as it is keeps its version).
 *
 * <p>A report can arrive before the watcher's record of its deployment (they travel different
 * paths), so reports wait for it; reports for a pack replaced before every instance finished are
 * dropped. Both are checkpointed.
 */
public class RuleDeployments extends CoProcessFunction<RuleDeployment, RescoreReport, RuleDeployment>
        implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(RuleDeployments.class);

    /** The record of the running pack's deployment; null before the first one and between replaced and active. */
    private transient RuleDeployment active;
    private transient List<RescoreReport> reports;
    private transient ListState<RuleDeployment> activeState;
    private transient ListState<RescoreReport> reportState;

    @Override
    public void processElement1(RuleDeployment deployment, Context ctx, Collector<RuleDeployment> out) {
        out.collect(deployment);
        if (RuleDeployment.ACTIVE.equals(deployment.status)) {
            active = deployment;
            reports.removeIf(r -> !r.rulesetVersion.equals(deployment.rulesetVersion));
            completeIfAllReported(out);
        } else if (RuleDeployment.REPLACED.equals(deployment.status) && active != null
                && active.rulesetVersion.equals(deployment.rulesetVersion) && active.at == deployment.at) {
            active = null;
        }
    }

    @Override
    public void processElement2(RescoreReport report, Context ctx, Collector<RuleDeployment> out) {
        reports.removeIf(r -> r.rulesetVersion.equals(report.rulesetVersion) && r.instance == report.instance);
        reports.add(report);
        completeIfAllReported(out);
    }

    private void completeIfAllReported(Collector<RuleDeployment> out) {
        if (active == null) {
            return;
        }
        List<RescoreReport> done = reports.stream().filter(r -> r.rulesetVersion.equals(active.rulesetVersion)).toList();
        if (done.isEmpty() || done.size() < done.get(0).instances) {
            return;
        }
        long finishedAt = done.stream().mapToLong(r -> r.finishedAt).max().orElseThrow();
        long customers = done.stream().mapToLong(r -> r.customers).sum();
        long written = done.stream().mapToLong(r -> r.actionsWritten).sum();
        LOG.info("Rule pack {}: all {} customers re-scored by {} evaluator instances ({} rows written, the rest unchanged)",
                active.rulesetVersion, customers, done.size(), written);
        out.collect(active.rescored(finishedAt, customers, written));
        reports.removeAll(done);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        activeState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("active deployment", TypeInformation.of(RuleDeployment.class)));
        reportState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("re-score reports waiting", TypeInformation.of(RescoreReport.class)));
        active = null;
        for (RuleDeployment d : activeState.get()) {
            active = d;
        }
        reports = new ArrayList<>();
        reportState.get().forEach(reports::add);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        activeState.update(active == null ? List.of() : List.of(active));
        reportState.update(reports);
    }
}

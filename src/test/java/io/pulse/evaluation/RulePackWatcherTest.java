package io.pulse.evaluation;

import io.pulse.model.RuleDeployment;
import io.pulse.rules.pack.RuleSet;
import static io.pulse.testing.RulePackFixtures.removeRule;
import static io.pulse.testing.RulePackFiles.breakStrategies;
import static io.pulse.testing.RulePackFiles.copyOfPack;
import static io.pulse.testing.RulePackFiles.lowerMaxHealthScore;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule directory's judge, fed the pack on disk as each poll reads it: what it records in
 * {@code rule_deployments} and which packs it passes on to the evaluators.
 */
class RulePackWatcherTest {

    private static OneInputStreamOperatorTestHarness<RuleSet, RuleSet> watcher(Path dir, RuleSet initial)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new RulePackWatcher.Validate(dir.toString(), initial)));
    }

    /** A freshly started watcher, given the pack now in {@code dir}, after its first poll. */
    private static OneInputStreamOperatorTestHarness<RuleSet, RuleSet> startedOn(Path dir) throws Exception {
        var watcher = watcher(dir, RuleSet.load(dir));
        watcher.open();
        poll(watcher, dir);
        return watcher;
    }

    private static void poll(OneInputStreamOperatorTestHarness<RuleSet, RuleSet> watcher, Path dir) throws Exception {
        watcher.processElement(new StreamRecord<>(RuleSet.load(dir)));
    }

    private static List<RuleDeployment> deployments(OneInputStreamOperatorTestHarness<RuleSet, RuleSet> watcher) {
        var recorded = watcher.getSideOutput(EvaluatorDescriptors.RULE_DEPLOYMENTS); // null until the first
        return recorded == null ? List.of() : recorded.stream().map(StreamRecord::getValue).toList();
    }

    private static List<String> passedOn(OneInputStreamOperatorTestHarness<RuleSet, RuleSet> watcher) {
        return watcher.extractOutputValues().stream().map(RuleSet::version).toList();
    }

    @Test
    void theStartPackIsRecordedActiveOnceAndNotSentAgain(@TempDir Path dir) throws Exception {
        RuleSet start = RuleSet.load(copyOfPack(dir));
        try (var watcher = startedOn(dir)) {
            poll(watcher, dir);
            assertThat(deployments(watcher)).singleElement().satisfies(d -> {
                assertThat(d.rulesetVersion).isEqualTo(start.version());
                assertThat(d.status).isEqualTo(RuleDeployment.ACTIVE);
                assertThat(d.messages).isEmpty();
            });
            assertThat(passedOn(watcher)).as("the evaluators started with it").isEmpty();
        }
    }

    @Test
    void aStartPackWithAGapRunsAndItsRowSaysWhere(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        removeRule(dir.resolve("classification.drl"), "Medium risk by default");
        try (var watcher = startedOn(dir)) {
            assertThat(deployments(watcher)).singleElement().satisfies(d -> {
                assertThat(d.status).isEqualTo(RuleDeployment.ACTIVE);
                assertThat(d.messages).startsWith("classification.drl:").contains(": gap: no rule gives RiskTier");
            });
        }
    }

    @Test
    void aGoodEditReplacesTheActivePackAndABrokenOneIsRejectedAtItsLine(@TempDir Path dir) throws Exception {
        RuleSet start = RuleSet.load(copyOfPack(dir));
        try (var watcher = startedOn(dir)) {
            lowerMaxHealthScore(dir);
            String edited = RuleSet.load(dir).version();
            poll(watcher, dir);
            breakStrategies(dir);
            String broken = RuleSet.load(dir).version();
            poll(watcher, dir);
            poll(watcher, dir);

            assertThat(deployments(watcher)).extracting(d -> d.rulesetVersion + " " + d.status).containsExactly(
                    start.version() + " active", start.version() + " replaced", edited + " active", broken + " rejected");
            assertThat(deployments(watcher).get(3).messages).startsWith("strategies.drl:");
            assertThat(passedOn(watcher)).containsExactly(edited);
        }
    }

    @Test
    void aRestoredWatcherRecordsNothingForPacksItHasJudged(@TempDir Path dir) throws Exception {
        RuleSet start = RuleSet.load(copyOfPack(dir));
        OperatorSubtaskState checkpoint;
        try (var watcher = startedOn(dir)) {
            breakStrategies(dir);
            poll(watcher, dir);
            assertThat(deployments(watcher)).hasSize(2);
            checkpoint = watcher.snapshot(1, 1);
        }
        try (var restored = watcher(dir, start)) {
            restored.initializeState(checkpoint);
            restored.open();
            poll(restored, dir);
            assertThat(deployments(restored)).isEmpty();
            assertThat(passedOn(restored)).isEmpty();
        }
    }

    @Test
    void aPackThatDeclaresATableTheRunningJobDoesNotReadIsRejectedAtTheTablesLine(@TempDir Path dir) throws Exception {
        RuleSet start = RuleSet.load(copyOfPack(dir));
        try (var watcher = startedOn(dir)) {
            java.nio.file.Files.writeString(dir.resolve("features.yaml"), """
                    features:
                      - name: openRenewals
                        count: CRM_RENEWAL
                        window_days: 90
                    tables:
                      - name: CRM_RENEWAL
                        table: crm__renewals
                        id: renewal_id
                        time: created_at
                        customer: { company_id: company_id }
                        columns: { stage: text }
                    """);
            String withTable = RuleSet.load(dir).version();
            poll(watcher, dir);
            assertThat(deployments(watcher)).extracting(d -> d.rulesetVersion + " " + d.status)
                    .containsExactly(start.version() + " active", withTable + " rejected");
            assertThat(deployments(watcher).get(1).messages).isEqualTo("features.yaml:6: table CRM_RENEWAL is not"
                    + " read by the running job as declared here (a live job reads the tables of the pack it started"
                    + " with): restart the job with this pack to read its history");
            assertThat(passedOn(watcher)).isEmpty();
        }
    }
}

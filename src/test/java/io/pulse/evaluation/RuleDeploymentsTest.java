package io.pulse.evaluation;

import io.pulse.model.RuleDeployment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RuleDeploymentsTest {
    private TwoInputStreamOperatorTestHarness<RuleDeployment, RescoreReport, RuleDeployment> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forCoProcessFunction(new RuleDeployments());
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void deployment(String version, long at, String status) throws Exception {
        harness.processElement1(new StreamRecord<>(new RuleDeployment(version, at, status, "")));
    }

    private void report(String version, int instance, long customers, long written, long finishedAt) throws Exception {
        harness.processElement2(new StreamRecord<>(new RescoreReport(version, instance, 2, customers, written, finishedAt)));
    }

    @Test
    void theActiveRowGetsItsReScoreOnceEveryInstanceReported() throws Exception {
        deployment("v1", 1_000, RuleDeployment.ACTIVE);
        deployment("v1", 1_000, RuleDeployment.REPLACED);
        report("v2", 1, 40, 3, 5_000); // overtook the watcher's record
        deployment("v2", 2_000, RuleDeployment.ACTIVE);
        assertThat(harness.extractOutputValues()).as("one instance of two has reported").hasSize(3);

        report("v2", 0, 60, 4, 4_000);
        assertThat(harness.extractOutputValues()).hasSize(4).last().satisfies(d -> {
            assertThat(d.rulesetVersion).isEqualTo("v2");
            assertThat(d.at).isEqualTo(2_000);
            assertThat(d.status).isEqualTo(RuleDeployment.ACTIVE);
            assertThat(d.rescoredAt).as("when the last instance finished").isEqualTo(5_000);
            assertThat(d.customersRescored).isEqualTo(100);
            assertThat(d.actionsWritten).isEqualTo(7);
        });
    }

    @Test
    void aPackReplacedBeforeEveryInstanceFinishedIsNeverMarkedReScored() throws Exception {
        deployment("v2", 2_000, RuleDeployment.ACTIVE);
        report("v2", 0, 60, 4, 4_000);
        deployment("v2", 2_000, RuleDeployment.REPLACED);
        deployment("v3", 3_000, RuleDeployment.ACTIVE);
        report("v2", 1, 40, 3, 5_000);
        assertThat(harness.extractOutputValues()).extracting(d -> d.rescoredAt).containsOnlyNulls();
    }
}

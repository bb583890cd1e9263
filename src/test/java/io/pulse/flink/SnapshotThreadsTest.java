package io.pulse.flink;

import io.pulse.evaluation.EvaluatorDescriptors;
import io.pulse.features.Cadence;
import io.pulse.features.CustomerFeatureFunction;
import io.pulse.features.PopulationAggregator;
import io.pulse.evaluation.RuleEvaluationFunction;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotThreadsTest {

    @Test
    void snapshotThreadsOfTheCallersGroupGoToTheLowestPriorityAndOthersKeepTheirs() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ThreadGroup tasks = new ThreadGroup("Flink Task Threads (test)");
        Thread snapshots = idle(tasks, "AsyncOperations-thread-1", done);
        Thread records = idle(tasks, "Evaluate rules (1/2)#0", done);
        Thread elsewhere = idle(new ThreadGroup("another job"), "AsyncOperations-thread-2", done);
        int[] lowered = new int[2];
        Thread caller = new Thread(tasks, () -> {
            lowered[0] = SnapshotThreads.yieldToRecordProcessing();
            lowered[1] = SnapshotThreads.yieldToRecordProcessing();
        }, "task thread");
        try {
            caller.start();
            caller.join();

            assertEquals(Thread.MIN_PRIORITY, snapshots.getPriority());
            assertEquals(Thread.NORM_PRIORITY, records.getPriority());
            assertEquals(Thread.NORM_PRIORITY, elsewhere.getPriority(), "a thread outside the caller's group");
            assertEquals(1, lowered[0]);
            assertEquals(0, lowered[1], "already at the lowest priority");
        } finally {
            done.countDown();
        }
    }

    @Test
    void eachStatefulFunctionLowersThemWhenACheckpointCompletes() throws Exception {
        List<AbstractStreamOperatorTestHarness<?>> harnesses = List.of(
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1))), e -> e.customerId, Types.STRING),
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new PopulationAggregator(), f -> PopulationAggregator.ALL, Types.INT),
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new RuleEvaluationFunction(RuleSet.load(Path.of("rules"))), f -> f.customerId, Types.STRING,
                        EvaluatorDescriptors.POPULATIONS, EvaluatorDescriptors.ACTIVE_RULES));
        for (AbstractStreamOperatorTestHarness<?> harness : harnesses) {
            CountDownLatch done = new CountDownLatch(1);
            // The harness runs the operator in this thread, as Flink runs it in the task thread.
            Thread snapshots = idle(Thread.currentThread().getThreadGroup(), "AsyncOperations-thread-7", done);
            try (harness) {
                harness.notifyOfCompletedCheckpoint(1);
                assertEquals(Thread.MIN_PRIORITY, snapshots.getPriority(), harness.getOperator().toString());
            } finally {
                done.countDown();
            }
        }
    }

    private static Thread idle(ThreadGroup group, String name, CountDownLatch done) {
        Thread t = new Thread(group, () -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setPriority(Thread.NORM_PRIORITY);
        t.setDaemon(true);
        t.start();
        return t;
    }
}

package io.pulse.history;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * Exactly-once reading of a history table. Flink's JDBC source (at-least-once) reads a split again
 * from its first row after a restore: a checkpoint taken while a table was still being read would
 * otherwise feed the restored customer features events they already hold, counted twice (their
 * watermark starts over, so nothing marks them late). This operator, chained to the table's one
 * reader, counts the rows that passed it; the count is in the checkpoint, and after a restore as
 * many rows are dropped before the rest flow on. That is exact because each table is read by one
 * reader in a total order (event time, then the row's id: see {@link HistoryQueries}).
 */
final class ReadPosition extends RichFlatMapFunction<CustomerEvent, CustomerEvent> implements CheckpointedFunction {
    private transient ListState<Long> checkpointed;
    /** Rows of the table that have passed, counting those dropped as already read. */
    private long position;
    /** Rows read before the restored checkpoint: they are dropped when read again. */
    private long alreadyRead;

    @Override
    public void flatMap(CustomerEvent event, Collector<CustomerEvent> out) {
        position++;
        if (position > alreadyRead) {
            out.collect(event);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(java.util.List.of(position));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("rows read", Types.LONG));
        position = 0;
        alreadyRead = 0;
        for (Long read : checkpointed.get()) {
            alreadyRead += read;
        }
    }
}

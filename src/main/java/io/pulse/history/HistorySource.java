package io.pulse.history;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Reads a history database as one event stream: a Flink JDBC source per event stream of
 * {@link HistoryQueries}, each read in event-time order by one reader with its own monotonous
 * watermarks, then unioned. The union's watermark is the minimum of all of them, which merges
 * the tables in event time for every operator downstream.
 */
public final class HistorySource {
    private HistorySource() {}

    public static DataStream<CustomerEvent> read(StreamExecutionEnvironment env, String historyUrl) {
        DataStream<CustomerEvent> all = null;
        for (HistoryQueries.Query q : HistoryQueries.all()) {
            JdbcSource<CustomerEvent> source = JdbcSource.<CustomerEvent>builder()
                    .setDBUrl(historyUrl)
                    .setSql(q.sql())
                    .setResultExtractor(q.extractor())
                    .setTypeInformation(TypeInformation.of(CustomerEvent.class))
                    .build();
            DataStream<CustomerEvent> events = env
                    .fromSource(source, WatermarkStrategy.<CustomerEvent>forMonotonousTimestamps()
                            .withTimestampAssigner((e, previous) -> e.eventTime), "History: " + q.name())
                    .uid("history-" + q.name())
                    .setParallelism(1); // one ordered reader keeps the ORDER BY order
            all = all == null ? events : all.union(events);
        }
        return all;
    }
}

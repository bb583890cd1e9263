package io.pulse.history;

import io.pulse.jdbc.SqlDialect;
import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a history database as event streams: a Flink JDBC source per event stream of
 * {@link HistoryQueries}, each read in event-time order by one reader with its own monotonous
 * watermarks. Downstream of their union the watermark is the minimum of all of them, which merges
 * the tables in event time for every operator.
 */
public final class HistorySource {
    private HistorySource() {}

    /**
     * The time (epoch ms) of the history's last event, Long.MIN_VALUE for an empty history: where
     * live events take over.
     */
    public static long endTime(String historyUrl) throws SQLException {
        long end = Long.MIN_VALUE;
        try (Connection c = DriverManager.getConnection(historyUrl); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all()) {
                try (ResultSet rs = s.executeQuery("SELECT max(event_time) FROM (" + q.sql() + ")")) {
                    if (rs.next() && rs.getObject(1) != null) {
                        end = Math.max(end, rs.getLong(1));
                    }
                }
            }
        }
        return end;
    }

    public static List<DataStream<CustomerEvent>> read(StreamExecutionEnvironment env, String historyUrl) {
        List<DataStream<CustomerEvent>> all = new ArrayList<>();
        for (HistoryQueries.Query q : HistoryQueries.all()) {
            JdbcSource<CustomerEvent> source = JdbcSource.<CustomerEvent>builder()
                    .setDBUrl(historyUrl)
                    .setDriverName(SqlDialect.driverClass(historyUrl))
                    .setSql(q.sql())
                    .setResultExtractor(q.extractor())
                    .setTypeInformation(TypeInformation.of(CustomerEvent.class))
                    .build();
            DataStream<CustomerEvent> events = env
                    .fromSource(source, WatermarkStrategy.<CustomerEvent>forMonotonousTimestamps()
                            .withTimestampAssigner((e, previous) -> e.eventTime), "History: " + q.name())
                    .uid("history-" + q.name())
                    .setParallelism(1) // one ordered reader keeps the ORDER BY order
                    .flatMap(new ReadPosition())
                    .uid("history-" + q.name() + "-position")
                    .name("Read position: " + q.name())
                    .setParallelism(1);
            all.add(events);
        }
        return all;
    }
}

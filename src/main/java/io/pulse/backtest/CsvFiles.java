package io.pulse.backtest;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The CSV files of a backtest: every recommendation change of a run, and the challenger diff. */
final class CsvFiles {
    private static final CsvMapper CSV = new CsvMapper();

    private CsvFiles() {}

    /** The run's log in (customer, time, action) order, with the run's rule set in the first column. */
    static long recommendations(String logUrl, String rules, Path file) throws SQLException, IOException {
        List<String> header = new ArrayList<>();
        header.add("rules");
        header.addAll(Arrays.asList(RecommendationLog.COLUMNS.split(",\\s*")));
        long rows = 0;
        try (Connection c = DriverManager.getConnection(logUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + RecommendationLog.COLUMNS
                     + " FROM recommendation_log ORDER BY customer_id, valid_as_of, action");
             SequenceWriter out = writer(header, file)) {
            int n = rs.getMetaData().getColumnCount();
            String[] row = new String[n + 1];
            row[0] = rules;
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    row[i] = rs.getString(i);
                }
                out.write(row);
                rows++;
            }
        }
        return rows;
    }

    static void diff(ChallengerDiff.Result diff, Path file) throws IOException {
        try (SequenceWriter out = writer(List.of("customer_id", "field", "champion", "challenger",
                "rules_only_in_champion", "rules_only_in_challenger"), file)) {
            for (ChallengerDiff.Row r : diff.rows()) {
                out.write(new String[] {r.customerId(), r.field(), r.champion(), r.challenger(),
                        r.onlyChampionRules(), r.onlyChallengerRules()});
            }
        }
    }

    private static SequenceWriter writer(List<String> header, Path file) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        header.forEach(schema::addColumn);
        return CSV.writerFor(String[].class).with(schema.build()).writeValues(file.toFile());
    }
}

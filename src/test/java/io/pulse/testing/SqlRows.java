package io.pulse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A query's result as text rows ("a | b | c"), for comparing whole tables in tests. */
public final class SqlRows {
    private SqlRows() {}

    public static List<String> rows(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            return rows(c, sql);
        }
    }

    /** The same over a connection the caller holds (say, one spared while others are refused). */
    public static List<String> rows(Connection c, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}

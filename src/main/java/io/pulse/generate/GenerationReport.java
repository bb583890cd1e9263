package io.pulse.generate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link HistoryGenerator} run wrote: rows per table (in schema order) and the number of
 * events the history replays as.
 *
 * <p>Events are what the pipeline reads as events: every conversation counts once when created
 * and once more when closed, plus every Salesforce account snapshot, every row of the three
 * customer-360 tables, every product-usage row, every subscription change and every outcome.
 * Static tables (company metrics, contacts, opportunities, CRM users, account owner history) and
 * company plan snapshots are rows but not counted as events.
 *
 * @param rowsPerTable rows written per table, keyed by table name, in schema order
 * @param totalEvents  events as defined above
 */
public record GenerationReport(Map<String, Long> rowsPerTable, long totalEvents) {

    public GenerationReport {
        rowsPerTable = Collections.unmodifiableMap(new LinkedHashMap<>(rowsPerTable));
    }

    /** Rows written over all tables. */
    public long totalRows() {
        return rowsPerTable.values().stream().mapToLong(Long::longValue).sum();
    }
}

package io.pulse.features;

import io.pulse.events.Column;

import java.util.List;

/**
 * A table declared features can read: its name (as a declaration writes it) and its columns, in
 * the order an {@link Observation} of it holds their values.
 */
public record Source(String name, List<Column> columns) {
    public Source {
        columns = List.copyOf(columns);
    }

    /** The position of a column in this source's observations, -1 when it has none of that name. */
    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}

package io.pulse.events;

import java.io.Serializable;

/** One column of a row: its name, as the table has it, and what it holds. */
public record Column(String name, ColumnType type) implements Serializable {}

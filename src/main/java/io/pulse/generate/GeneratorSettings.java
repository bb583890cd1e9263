package io.pulse.generate;

import io.pulse.history.HistoryDatabase;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What {@link HistoryGenerator} makes: how many companies, over how many days from which start
 * date, from which seed, into which database (a SQLite file, or the history tables of a
 * PostgreSQL database). The same settings always give the same rows (and the same SQLite file).
 *
 * @param companies number of companies (customers), 1 .. {@link #MAX_COMPANIES}
 * @param days      length of the history in days, 1 .. {@link #MAX_DAYS}
 * @param seed      random seed; every company draws from its own stream derived from it
 * @param startDate first day of the history (UTC)
 * @param output    where to write; an existing SQLite file, or existing history tables, are replaced
 */
public record GeneratorSettings(int companies, int days, long seed, LocalDate startDate, HistoryDatabase output) {

    /** The start date when none is given. */
    public static final LocalDate DEFAULT_START_DATE = LocalDate.of(2025, 1, 1);

    /** Upper bound set by the company-name space and the 15-digit conversation ids. */
    public static final int MAX_COMPANIES = Names.CAPACITY;

    /** Ten years: conversation ids leave eight digits per company, far more than ten years need. */
    public static final int MAX_DAYS = 3_660;

    public GeneratorSettings {
        Objects.requireNonNull(startDate, "startDate");
        Objects.requireNonNull(output, "output");
        if (companies < 1 || companies > MAX_COMPANIES) {
            throw new IllegalArgumentException("companies must be 1.." + MAX_COMPANIES + ", got " + companies);
        }
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be 1.." + MAX_DAYS + ", got " + days);
        }
    }

    /** Settings that write a SQLite file. */
    public GeneratorSettings(int companies, int days, long seed, LocalDate startDate, Path output) {
        this(companies, days, seed, startDate, HistoryDatabase.sqlite(output));
    }

    /** Settings starting on {@link #DEFAULT_START_DATE}. */
    public GeneratorSettings(int companies, int days, long seed, Path output) {
        this(companies, days, seed, DEFAULT_START_DATE, output);
    }
}

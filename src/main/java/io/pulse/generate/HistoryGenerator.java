package io.pulse.generate;

import io.pulse.history.HistoryDatabase;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;

/**
 * Generates a realistic, deterministic look-alike history database: the Intercom, Salesforce and
 * customer-360 tables of {@code /io/pulse/history/history-schema.sql} plus product usage,
 * subscription changes and outcomes, for a number of companies over a number of days, and the
 * CRM's Customer Success team with the owner history of its accounts ({@link AccountOwners}).
 *
 * <p><b>Linking.</b> Pulse's customer id is a company's {@code website_domain} (lower case,
 * unique). Salesforce {@code account_name} equals the company name; customer-360 rows are keyed
 * by one {@code primary_email} per company ({@code first.last@<website_domain>}); conversations
 * carry the company name in {@code all_contact_company_names} (about 7 % re-cased or padded with
 * spaces); the {@code pulse__*} tables and {@code intercom__company_metrics} use the company's
 * first plan-snapshot {@code company_id}. One company in 200 deliberately shares its name with
 * an earlier, different company (see {@link CompanyProfile}). An account snapshot's
 * {@code owner_id} and {@code salesforce__account_history}'s values are {@code salesforce__user}
 * ids.
 *
 * <p><b>Determinism.</b> Every company draws from its own random streams, derived from the seed
 * and its index, and the account owners from streams of their own; the team and the owner
 * history are written first, then the companies one after another in index order, each
 * company's rows in time order, without wall-clock time or hash ordering, so the same settings
 * give a byte-identical file. Only the owner plan (a few numbers per account), one company's
 * state and a few batches on their way to SQLite (see {@link HistoryWriter}) are in memory at a
 * time, so memory does not grow with the history's length.
 *
 * <p><b>Volume.</b> A company produces about 275 events a year while it is a customer: 52 weekly
 * Salesforce account snapshots, 36 customer-360 rows (three tables, monthly), ~50 support
 * conversations (2.4-7 a month by plan, more when health is low or around plan changes; each
 * counts twice, created and closed), ~85 product-usage events (more for healthy and bigger
 * customers) and one or two outcomes and plan changes. One company in five signs up during the
 * history and about one in ten churns, so the average over the population is ~257 events per
 * company per year: 2,000 companies x 365 days give ~515,000 events, 4,000 x 365 ~1,040,000.
 */
public final class HistoryGenerator {

    private final GeneratorSettings settings;

    public HistoryGenerator(GeneratorSettings settings) {
        this.settings = settings;
    }

    /**
     * Writes the history to the settings' output, replacing an existing file or history tables. A
     * failed run removes what it wrote.
     */
    public GenerationReport generate() throws IOException, SQLException {
        HistoryDatabase target = settings.output();
        long startEpochDay = settings.startDate().toEpochDay();
        Names names = new Names(settings.seed());
        AccountOwners owners = new AccountOwners(settings.seed(), settings.days(), accountCreatedDays(names));
        long closedConversations = 0;
        try (HistoryWriter out = new HistoryWriter(target)) {
            owners.write(out, startEpochDay);
            for (int index = 0; index < settings.companies(); index++) {
                CompanyProfile profile = new CompanyProfile(settings.seed(), index, settings.days(), names);
                closedConversations += new CompanySimulation(settings.seed(), profile, settings.days(),
                        startEpochDay, owners, out).run();
            }
            out.finish();
            return report(out.counts(), closedConversations);
        } catch (IOException | SQLException | RuntimeException e) {
            discard(target, e);
            throw e;
        }
    }

    /** The day each company's Salesforce account was created, by company index. */
    private int[] accountCreatedDays(Names names) {
        int[] days = new int[settings.companies()];
        for (int index = 0; index < days.length; index++) {
            days[index] = new CompanyProfile(settings.seed(), index, settings.days(), names).accountCreatedDay;
        }
        return days;
    }

    /** Removes a failed run's output; a failure to do so is added to the run's own. */
    private static void discard(HistoryDatabase target, Exception failure) {
        try {
            HistoryWriter.discard(target);
        } catch (IOException | SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static GenerationReport report(Map<String, Long> rows, long closedConversations) {
        long events = closedConversations;
        for (HistoryWriter.Table t : HistoryWriter.Table.values()) {
            if (t.event) {
                events += rows.get(t.tableName);
            }
        }
        return new GenerationReport(rows, events);
    }
}

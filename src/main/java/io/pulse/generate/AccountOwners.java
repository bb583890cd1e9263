package io.pulse.generate;

import io.pulse.generate.HistoryWriter.Table;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The CRM's Customer Success team and who owns each Salesforce account when: the rows of
 * {@code salesforce__user} and {@code salesforce__account_history}, and the owner of every account
 * snapshot.
 *
 * <p><b>Team.</b> One Customer Success Manager per 80 companies (at least 2) and one lead per 6
 * CSMs (CSM k reports to lead k mod leads), all hired before the history starts. One or two CSMs
 * (at most half of them) leave on a day in the middle half of the history; their users are
 * inactive.
 *
 * <p><b>Owners.</b> An account gets an owner when it is created in the CRM (accounts created
 * before the history: on its first day, in index order): one of the CSMs with the fewest accounts,
 * drawn at random, so books stay balanced. When a CSM leaves, their accounts are spread the same
 * way over the CSMs who stay, in one transfer; and one account in 20 changes hands once more, on a
 * random day after it was created, to the least-loaded other CSM (a territory change). Owners
 * change before 06:00 UTC, so the day's account snapshot already shows the new one; changes of one
 * day apply in time order.
 *
 * <p><b>Determinism.</b> All of it draws from streams of its own, never from a company's, so every
 * other row is the same with or without owners. It is a function of the seed, the number of days
 * and the accounts' creation days (each a function of the seed and the company index), planned
 * before any company is written; it holds a few numbers per account.
 */
final class AccountOwners {

    static final String CSM_ROLE = "Customer Success Manager";
    static final String LEAD_ROLE = "Customer Success Lead";
    private static final String EMAIL_DOMAIN = "pulse-cs.example";
    private static final int COMPANIES_PER_CSM = 80;
    private static final int CSMS_PER_LEAD = 6;
    private static final double TERRITORY_CHANGE_SHARE = 0.05;

    /** The company index of this plan's random streams: below any company's. */
    private static final int STREAMS = -3;
    private static final int NEVER = Integer.MAX_VALUE;
    /** Owners change in the first six hours of a day, before its account snapshot. */
    private static final int CHANGE_SECONDS = 6 * 3600;

    /**
     * A CRM user, hired on {@code createdDay} (relative to the history's start) at
     * {@code createdSecond} of that day; a lead has no manager ({@code -1}).
     */
    private record User(String id, String firstName, String lastName, boolean lead, int manager, int createdDay,
                int createdSecond, int leftDay) {
        boolean active() {
            return leftDay == NEVER;
        }
    }

    /** An account's owner changing from one user (index) to another, at a second of a day of the history. */
    private record Reassignment(int account, int day, int second, int from, int to) {}

    /** Something that changes owners, in the order of (day, second, kind, subject). */
    private record Event(int day, int second, int kind, int subject) {}

    private static final int CREATED = 0;
    private static final int LEFT = 1;
    private static final int TERRITORY = 2;

    private final long salesforceBase;
    private final List<User> users = new ArrayList<>();
    private final int[] initialOwner;
    /** All changes of owner, in time order. */
    private final List<Reassignment> reassignments = new ArrayList<>();
    /** Each account's changes, in time order. */
    private final Reassignment[][] byAccount;

    /** Plans the owners of accounts created on these days (relative to the start; index = company index). */
    AccountOwners(long seed, int days, int[] accountCreatedDays) {
        salesforceBase = CompanyProfile.salesforceBase(seed);
        int accounts = accountCreatedDays.length;
        SplittableRandom team = Draw.stream(seed, STREAMS, 0);
        hire(team, accounts);
        List<Event> events = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            events.add(new Event(Math.max(0, accountCreatedDays[a]), -1, CREATED, a));
        }
        plannedDepartures(team, days, events);
        plannedTerritoryChanges(Draw.stream(seed, STREAMS, 1), days, accountCreatedDays, events);
        events.sort(Comparator.comparingInt(Event::day).thenComparingInt(Event::second)
                .thenComparingInt(Event::kind).thenComparingInt(Event::subject));

        initialOwner = new int[accounts];
        apply(Draw.stream(seed, STREAMS, 2), events);
        byAccount = new Reassignment[accounts][];
        int[] changes = new int[accounts];
        for (Reassignment r : reassignments) {
            changes[r.account()]++;
        }
        for (int a = 0; a < accounts; a++) {
            byAccount[a] = new Reassignment[changes[a]];
            changes[a] = 0;
        }
        for (Reassignment r : reassignments) {
            byAccount[r.account()][changes[r.account()]++] = r;
        }
    }

    /** Leads first, then CSMs, each with a unique name. */
    private void hire(SplittableRandom r, int accounts) {
        int csms = Math.max(2, (accounts + COMPANIES_PER_CSM / 2) / COMPANIES_PER_CSM);
        int leads = (csms + CSMS_PER_LEAD - 1) / CSMS_PER_LEAD;
        Set<String> names = new HashSet<>();
        for (int k = 0; k < leads + csms; k++) {
            String first;
            String last;
            do {
                first = Draw.pick(r, Names.FIRST_NAMES);
                last = Draw.pick(r, Names.LAST_NAMES);
            } while (!names.add(first + "." + last));
            boolean lead = k < leads;
            int createdDay = lead ? -Draw.between(r, 400, 2_500) : -Draw.between(r, 20, 1_400);
            users.add(new User(Ids.salesforce(Ids.USER, salesforceBase + k), capitalized(first), capitalized(last),
                    lead, lead ? -1 : (k - leads) % leads, createdDay, Draw.between(r, 14 * 3600, 22 * 3600), NEVER));
        }
    }

    /** One or two CSMs (at most half) leave on a day in the middle half of the history. */
    private void plannedDepartures(SplittableRandom r, int days, List<Event> events) {
        int firstCsm = (int) users.stream().filter(User::lead).count();
        int csms = users.size() - firstCsm;
        int leaving = Math.min(Draw.between(r, 1, 2), csms / 2);
        for (int n = 0; n < leaving; n++) {
            int k;
            do {
                k = firstCsm + r.nextInt(csms);
            } while (!users.get(k).active());
            int day = Draw.between(r, days / 4, 3 * days / 4);
            User u = users.get(k);
            users.set(k, new User(u.id(), u.firstName(), u.lastName(), false, u.manager(), u.createdDay(),
                    u.createdSecond(), day));
            events.add(new Event(day, r.nextInt(CHANGE_SECONDS), LEFT, k));
        }
    }

    /** One account in 20 gets a territory change on a day after it was created, if the history has one. */
    private static void plannedTerritoryChanges(SplittableRandom r, int days, int[] accountCreatedDays,
                                                List<Event> events) {
        for (int a = 0; a < accountCreatedDays.length; a++) {
            int from = Math.max(0, accountCreatedDays[a] + 1);
            if (Draw.chance(r, TERRITORY_CHANGE_SHARE) && from < days) {
                events.add(new Event(Draw.between(r, from, days - 1), r.nextInt(CHANGE_SECONDS),
                        TERRITORY, a));
            }
        }
    }

    private void apply(SplittableRandom r, List<Event> events) {
        int[] owner = new int[initialOwner.length];
        int[] book = new int[users.size()];
        for (Event e : events) {
            switch (e.kind()) {
                case CREATED -> {
                    int to = leastLoaded(r, book, e.day(), -1);
                    initialOwner[e.subject()] = to;
                    owner[e.subject()] = to;
                    book[to]++;
                }
                case LEFT -> {
                    for (int a = 0; a < owner.length; a++) {
                        if (owner[a] == e.subject()) {
                            reassign(a, leastLoaded(r, book, e.day(), -1), e, owner, book);
                        }
                    }
                }
                default -> {
                    int to = leastLoaded(r, book, e.day(), owner[e.subject()]);
                    if (to >= 0) {
                        reassign(e.subject(), to, e, owner, book);
                    }
                }
            }
        }
    }

    private void reassign(int account, int to, Event e, int[] owner, int[] book) {
        reassignments.add(new Reassignment(account, e.day(), e.second(), owner[account], to));
        book[owner[account]]--;
        book[to]++;
        owner[account] = to;
    }

    /** A random one of the CSMs still there on a day, but one, with the fewest accounts; -1 if none. */
    private int leastLoaded(SplittableRandom r, int[] book, int day, int except) {
        int fewest = Integer.MAX_VALUE;
        int tied = 0;
        for (int k = 0; k < users.size(); k++) {
            if (eligible(k, day, except)) {
                if (book[k] < fewest) {
                    fewest = book[k];
                    tied = 1;
                } else if (book[k] == fewest) {
                    tied++;
                }
            }
        }
        if (tied == 0) {
            return -1;
        }
        int pick = r.nextInt(tied);
        for (int k = 0; ; k++) {
            if (eligible(k, day, except) && book[k] == fewest && pick-- == 0) {
                return k;
            }
        }
    }

    private boolean eligible(int k, int day, int except) {
        User u = users.get(k);
        return !u.lead() && u.leftDay() > day && k != except;
    }

    /** The user id of an account's owner as of a day's account snapshot (06:00 UTC). */
    String ownerOn(int account, int day) {
        int owner = initialOwner[account];
        for (Reassignment r : byAccount[account]) {
            if (r.day() > day) {
                break;
            }
            owner = r.to();
        }
        return users.get(owner).id();
    }

    /** Writes the users, in id order, and the owner changes, in time order. */
    void write(HistoryWriter out, long startEpochDay) throws SQLException {
        for (User u : users) {
            String first = u.firstName();
            String last = u.lastName();
            out.row(Table.USER)
                    .text(u.id())
                    .text(first + " " + last)
                    .text(first)
                    .text(last)
                    .text((first + "." + last).toLowerCase(Locale.ROOT) + "@" + EMAIL_DOMAIN)
                    .text(u.lead() ? LEAD_ROLE : CSM_ROLE)
                    .text(u.lead() ? null : users.get(u.manager()).id())
                    .integer(u.active() ? 1 : 0)
                    .text(Timestamps.utc(second(startEpochDay, u.createdDay(), u.createdSecond())))
                    .add();
        }
        for (int i = 0; i < reassignments.size(); i++) {
            Reassignment r = reassignments.get(i);
            out.row(Table.ACCOUNT_HISTORY)
                    .text(Ids.salesforce(Ids.FIELD_HISTORY, salesforceBase + i))
                    .text(CompanyProfile.accountId(salesforceBase, r.account()))
                    .text("Owner")
                    .text(users.get(r.from()).id())
                    .text(users.get(r.to()).id())
                    .text(Timestamps.utc(second(startEpochDay, r.day(), r.second())))
                    .add();
        }
    }

    private static long second(long startEpochDay, int day, int secondOfDay) {
        return (startEpochDay + day) * Timestamps.SECONDS_PER_DAY + secondOfDay;
    }

    private static String capitalized(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}

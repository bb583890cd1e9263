package io.pulse.generate;

import io.pulse.generate.CompanyProfile.Opportunity;
import io.pulse.generate.CompanyProfile.Person;
import io.pulse.generate.HealthTrajectory.PlanChange;
import io.pulse.generate.HistoryWriter.Table;
import io.pulse.generate.SupportThemes.Theme;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Lives one company through the history day by day and streams its rows to the writer:
 * Salesforce activity and weekly account snapshots, product usage, support conversations,
 * plan changes and outcomes as they happen, customer-360 snapshots at each month end, and
 * at the end the static rows (plan snapshots, company metrics, contacts, opportunities).
 *
 * <p>Everything observable is driven by the latent health of {@link HealthTrajectory}; a
 * company that churns produces nothing after its churn day. Only this company's state is held
 * in memory.
 */
final class CompanySimulation {

    private static final String[] FEATURES = {"dashboards", "reports", "exports", "api", "automations",
        "integrations", "alerts", "workflows", "forecasting", "data_sync", "sso_admin", "audit_log"};
    private static final double[] FEATURE_WEIGHTS = {20, 18, 10, 8, 8, 8, 7, 6, 5, 5, 2, 3};
    private static final String[] CHANNELS = {"email", "chat", "in_app", "phone"};
    private static final double[] CHANNEL_WEIGHTS = {35, 45, 15, 5};
    /** Weights of 0, 1 and 2 reopens. */
    private static final double[] REOPEN_WEIGHTS = {78, 17, 5};
    /** Renewal opportunities a company keeps (its ids have room for this many). */
    private static final int MAX_RENEWALS = 8;
    private static final String[] OPEN_STAGES = {"Prospecting", "Qualification", "Proposal/Price Quote",
        "Negotiation/Review"};
    private static final double[] CONVERSATIONS_PER_MONTH = {2.4, 3.4, 4.8, 7.0};
    /** Longest stretch without any logged Salesforce activity (the population maximum in real data). */
    private static final int MAX_QUIET_DAYS = 117;
    private static final int MAX_ACTIVITIES_30D = 480;
    /** Enterprise accounts are touched on more days than small ones, by size rank. */
    private static final double[] ACTIVE_DAY_FACTOR = {0.65, 0.85, 1.1, 2.2};

    /** One row of intercom__company_enhanced: the company between two plan changes. */
    private static final class PlanSnapshot {
        final String companyId;
        final long createdSecond;
        final Plan plan;
        final int seats;
        final double spend;
        long updatedSecond;
        long sessions;
        String tags;

        PlanSnapshot(String companyId, long createdSecond, Plan plan, int seats, double spend) {
            this.companyId = companyId;
            this.createdSecond = createdSecond;
            this.plan = plan;
            this.seats = seats;
            this.spend = spend;
        }
    }

    private final CompanyProfile p;
    private final HealthTrajectory trajectory;
    private final HistoryWriter out;
    private final AccountOwners owners;
    private final SupportThemes themes = new SupportThemes();
    private final SplittableRandom r;
    private final long seed;
    private final int days;
    private final long startEpochDay;
    private final long endSecond;

    private final double[] health;
    private final List<PlanSnapshot> snapshots = new ArrayList<>();
    private final String firstCompanyId;
    private final String[] contactIds;
    private final double[] contactWeights;
    private final long[] contactLastSeen;
    private Plan plan;
    private int seats;
    private double spend;
    private double sessions;
    private int tier;
    private double ltvScale = 1;
    private int channel;

    private final int[] activityRing = new int[30];
    private int activities30;
    private int daysSinceActivity;
    private final int[] usageRing = new int[30];
    private int usage30;
    private long lastUsageSecond;
    private final int[] conversationRing = new int[30];
    private int conversations30;
    private long lastActivitySecond;

    private int conversationCount;
    private long closedConversations;
    private double ratingSum;
    private int ratingCount;
    private double[] firstResponses = new double[64];

    CompanySimulation(long seed, CompanyProfile profile, int days, long startEpochDay, AccountOwners owners,
                      HistoryWriter out) {
        this.p = profile;
        this.seed = seed;
        this.days = days;
        this.startEpochDay = startEpochDay;
        this.endSecond = (startEpochDay + days) * Timestamps.SECONDS_PER_DAY;
        this.out = out;
        this.owners = owners;
        this.trajectory = new HealthTrajectory(seed, profile, days);
        this.r = Draw.stream(seed, profile.index, 3);
        this.health = new double[HealthTrajectory.WARMUP_DAYS + days];

        plan = profile.plan;
        seats = profile.seats;
        spend = plan.spend(seats, r);
        tier = profile.customerTier;
        channel = profile.channel;
        long created = dayStart(profile.createdDay) + r.nextInt(86_400);
        firstCompanyId = Ids.objectId(created, Draw.mix(seed, profile.index, 500));
        snapshots.add(new PlanSnapshot(firstCompanyId, created, plan, seats, spend));
        lastActivitySecond = created;
        sessions = seats * 0.3 * Math.max(0, -profile.createdDay - HealthTrajectory.WARMUP_DAYS);

        int n = profile.intercomContacts;
        contactIds = new String[n];
        contactWeights = new double[n];
        contactLastSeen = new long[n];
        for (int k = 0; k < n; k++) {
            long contactCreated = created + Math.floorMod(Draw.mix(seed, profile.index, 1_000 + k), 200L * 86_400);
            contactIds[k] = Ids.objectId(contactCreated, Draw.mix(seed, profile.index, 2_000 + k));
            contactWeights[k] = 1.0 / (k + 1);
        }
    }

    /** Simulates the company and writes all its rows; returns how many of its conversations closed. */
    long run() throws SQLException {
        for (int day = -HealthTrajectory.WARMUP_DAYS; day < days; day++) {
            if (day == trajectory.churnDay) {
                long at = dayStart(day) + Draw.between(r, 8 * 3600, 20 * 3600);
                outcome("churned", at);
                lastActivitySecond = Math.max(lastActivitySecond, at);
                break;
            }
            double h = trajectory.next(day);
            health[day + HealthTrajectory.WARMUP_DAYS] = h;
            boolean customer = day >= p.createdDay;
            boolean inHistory = customer && day >= 0;
            // The CRM and the customer-360 marts describe a customer from its first day in the history on.
            boolean firstDayInHistory = day == Math.max(0, p.createdDay);
            if (inHistory && (day % 7 == 0 || firstDayInHistory)) {
                accountSnapshot(day);
            }
            salesActivity(day, h);
            if (customer) {
                usage(day, h, inHistory);
                sessions += seats * (0.1 + 0.4 * h);
            }
            if (!inHistory) {
                continue;
            }
            conversations(day, h);
            PlanChange change = trajectory.planChangeOn(day);
            if (change != null) {
                changePlan(day, change.upgrade());
            }
            if (day > p.createdDay && Math.floorMod(day - p.createdDay, 365) == 0) {
                outcome("renewed", dayStart(day) + Draw.between(r, 9 * 3600, 17 * 3600));
            }
            long epochDay = startEpochDay + day;
            if (firstDayInHistory || Timestamps.dayOfMonth(epochDay + 1) == 1 || day == days - 1) {
                customer360(day);
            }
        }
        writeStaticRows();
        return closedConversations;
    }

    // ---- Salesforce ----

    /** Sales/CS activities come in bursts on active days; healthier and bigger accounts are worked more. */
    private void salesActivity(int day, double h) {
        double pActive = (0.008 + 0.09 * h * h) * ACTIVE_DAY_FACTOR[p.sizeRank];
        int slot = Math.floorMod(day, 30);
        int count = 0;
        if (Draw.chance(r, pActive)) {
            count = 1 + Draw.poisson(r, (1 + 16 * StrictMath.pow(h, 1.5)) * p.activityIntensity);
            // Even the busiest account team logs at most MAX_ACTIVITIES_30D in 30 days.
            count = Math.min(count, MAX_ACTIVITIES_30D - (activities30 - activityRing[slot]));
            daysSinceActivity = 0;
        } else if (daysSinceActivity >= MAX_QUIET_DAYS) {
            // The CRM logs an automated touch (renewal notice, survey) when an account has been quiet this long.
            count = 1;
            daysSinceActivity = 0;
        } else {
            daysSinceActivity++;
        }
        activities30 += count - activityRing[slot];
        activityRing[slot] = count;
    }

    /** The weekly account snapshot, taken at 06:00 from the state at the end of the previous day. */
    private void accountSnapshot(int day) throws SQLException {
        double won = 0;
        double pipeline = 0;
        int closed = 0;
        int wonCount = 0;
        for (Opportunity o : p.opportunities) {
            if (o.closeDay() <= day) {
                closed++;
                if (o.won()) {
                    wonCount++;
                    won += o.amount();
                }
            } else if (o.openDay() <= day) {
                pipeline += o.amount();
            }
        }
        double recent = meanHealth(day - 30, day);
        int total = p.people.length;
        // Champions leave and their emails bounce as an account goes quiet.
        double ratio = Draw.clamp(p.emailRatio - 0.25 * Math.max(0, 0.5 - recent), 0, 1);
        int withEmail = (int) Math.round(total * ratio);
        double vendorScore = Draw.clamp(100 * (0.55 * recent + 0.25 * ratio + 0.2 * Math.min(1, activities30 / 60.0))
                + Draw.normal(r, 0, 4), 0, 100);
        out.row(Table.ACCOUNT_SNAPSHOT)
                .text(Timestamps.utc(dayStart(day) + 6 * 3600))
                .text(p.accountId)
                .text(p.name)
                .text(p.industry)
                .text(p.sizeSegment())
                .integer(p.employees)
                .real(p.annualRevenue)
                .real(Draw.cents(won))
                .real(Draw.cents(pipeline))
                .real(closed == 0 ? 0 : Draw.round2(100.0 * wonCount / closed))
                .integer(day - p.accountCreatedDay)
                .integer(total)
                .integer(withEmail)
                .integer(daysSinceActivity)
                .integer(activities30)
                .real(Draw.round2(vendorScore))
                .text(owners.ownerOn(p.index, day))
                .add();
    }

    // ---- product usage ----

    private void usage(int day, double h, boolean write) throws SQLException {
        double perDay = p.usageTrait * (1.6 + 0.5 * plan.rank()) / 7 * (0.12 + 1.3 * h * h);
        int n = Draw.poisson(r, perDay);
        long[] times = sortedTimes(day, n);
        for (long at : times) {
            int k = Draw.weighted(r, contactWeights);
            String feature = FEATURES[Draw.weighted(r, FEATURE_WEIGHTS)];
            contactLastSeen[k] = at;
            lastUsageSecond = at;
            if (write) {
                lastActivitySecond = Math.max(lastActivitySecond, at);
                out.row(Table.USAGE)
                        .integer(out.count(Table.USAGE) + 1)
                        .text(firstCompanyId)
                        .text(p.people[k].email())
                        .text(feature)
                        .text(Timestamps.utc(at))
                        .add();
            }
        }
        int slot = Math.floorMod(day, 30);
        usage30 += n - usageRing[slot];
        usageRing[slot] = n;
    }

    // ---- support conversations ----

    private void conversations(int day, double h) throws SQLException {
        SupportThemes.State state = new SupportThemes.State(h, day - p.createdDay < 180,
                trajectory.beforeDowngrade(day), trajectory.beforeUpgrade(day),
                trajectory.afterTroubledUpgrade(day), trajectory.beforeChurn(day), daysToAnniversary(day) <= 60);
        double rate = CONVERSATIONS_PER_MONTH[plan.rank()] / 30.4 * p.conversationTrait
                * Draw.clamp(1 + (0.62 - h), 0.6, 1.7);
        if (state.beforeDowngrade()) {
            rate *= 2.0;
        }
        if (state.afterTroubledUpgrade()) {
            rate *= 4.5;
        }
        if (state.beforeChurn()) {
            rate *= 1.6;
        }
        if (state.beforeUpgrade()) {
            rate *= 1.3;
        }
        int n = Draw.poisson(r, rate);
        // Incident days: a burst of outage reports, more likely right after a troubled upgrade.
        int burst = Draw.chance(r, state.afterTroubledUpgrade() ? 0.03 : 0.0015) ? Draw.between(r, 5, 10) : 0;
        long[] times = sortedTimes(day, n + burst);
        for (int i = 0; i < times.length; i++) {
            Theme theme = i < burst ? (Draw.chance(r, 0.6) ? Theme.OUTAGE : Theme.BUG) : themes.theme(r, state);
            conversation(day, times[i], theme, state);
        }
        int slot = Math.floorMod(day, 30);
        conversations30 += times.length - conversationRing[slot];
        conversationRing[slot] = times.length;
    }

    private void conversation(int day, long created, Theme theme, SupportThemes.State state) throws SQLException {
        String id = Ids.conversation(p.index, conversationCount++);
        lastActivitySecond = Math.max(lastActivitySecond, created);
        boolean bot = Draw.chance(r, 0.33);
        String channelName = CHANNELS[Draw.weighted(r, CHANNEL_WEIGHTS)];
        int contact = Draw.weighted(r, contactWeights);

        Handling t = handling(created, theme, state);
        double firstResponse = t.firstResponse();
        boolean closed = t.closed();
        boolean premium = plan.rank() >= 2;
        double slaTarget = premium ? 35 : 45;
        String slaStatus = firstResponse > slaTarget ? "breached" : firstResponse > 0.85 * slaTarget ? "warning" : "met";

        double rating = rating(closed, theme, state);
        if (conversationCount > firstResponses.length) {
            firstResponses = Arrays.copyOf(firstResponses, firstResponses.length * 2);
        }
        firstResponses[conversationCount - 1] = firstResponse;
        if (closed) {
            closedConversations++;
        }

        String tags = Draw.chance(r, 0.55)
                ? "topic:" + theme.topic + "|channel:" + channelName + "|segment:" + segment(day)
                        + "|first_response:" + (bot ? "bot" : "human") + "|tier:" + plan.tag + "|sla:" + slaStatus
                : SupportThemes.labels(r, theme, state);
        String subject = SupportThemes.subject(r, theme, p.name, plan, Timestamps.year(startEpochDay + day));
        String createdText = Timestamps.utc(created);
        String firstCloseText = closed ? Timestamps.utc(t.firstCloseAt()) : null;
        String lastCloseText = closed ? Timestamps.utc(t.lastCloseAt()) : null;
        long lastUpdated = (closed ? t.lastCloseAt() : t.firstResponseAt()) + Draw.between(r, 30, 1_800);

        out.row(Table.CONVERSATION)
                .text(id)
                .text(createdText)
                .text(Timestamps.utc(lastUpdated))
                .text(channelName.equals("email") ? "email" : channelName.equals("phone") ? "phone_call" : "conversation")
                .text(bot && Draw.chance(r, 0.4) ? "bot_follow_up" : "contact_inbound")
                .text(subject)
                .text(Draw.chance(r, 0.7) ? "admin" : "team")
                .text(bot ? "bot" : "contact")
                .text(closed && !t.reopenedAtEnd() ? "closed" : "open")
                .text(premium ? "Priority 35m" : "Standard 45m")
                .text(slaStatus)
                .realOrNull(rating)
                .text(firstCloseText)
                .text(lastCloseText)
                .text(tags)
                .text("contact:" + contactIds[contact])
                .text(nameAsTyped())
                .add();
        writeConversationMetricsRow(id, t, theme, firstCloseText, lastCloseText);
    }

    /**
     * When a conversation is answered and closed, in minutes from its creation and as epoch
     * seconds; {@code closed}: closed before the history's end.
     */
    private record Handling(double firstResponse, double firstClose, double lastClose, int reopens,
                            long firstResponseAt, long firstCloseAt, long lastCloseAt, boolean closed,
                            boolean reopenedAtEnd) {}

    private Handling handling(long created, Theme theme, SupportThemes.State state) {
        double firstResponse = Draw.clamp(Draw.normal(r, state.afterTroubledUpgrade() ? 30 : 26, 6), 5, 90);
        double firstClose = Draw.clamp(Draw.logNormal(r, 306, 0.52) * (theme.troubled() ? 1.6 : 1), 25, 4_000);
        firstClose = Math.max(firstClose, firstResponse + 5);
        int reopens = Draw.weighted(r, REOPEN_WEIGHTS);
        double lastClose = firstClose;
        for (int i = 0; i < reopens; i++) {
            lastClose += Draw.logNormal(r, 600, 0.8);
        }
        long firstResponseAt = created + Math.round(firstResponse * 60);
        long firstCloseAt = created + Math.round(firstClose * 60);
        long lastCloseAt = created + Math.round(lastClose * 60);
        boolean closed = firstCloseAt < endSecond;
        boolean reopenedAtEnd = closed && lastCloseAt >= endSecond;
        if (reopenedAtEnd) {
            // Reopened and not closed again by the end of the history: the last close so far is the first.
            lastCloseAt = firstCloseAt;
            lastClose = firstClose;
        }
        return new Handling(firstResponse, firstClose, lastClose, reopens, firstResponseAt, firstCloseAt, lastCloseAt,
                closed, reopenedAtEnd);
    }

    /** A closed conversation's rating (1 to 5, sometimes 0), counted into the company's; NaN when unrated. */
    private double rating(boolean closed, Theme theme, SupportThemes.State state) {
        double rating = Double.NaN;
        if (closed && Draw.chance(r, 0.55)) {
            double mean = 3.6 + 1.5 * (state.health() - 0.65) - (theme.troubled() ? 0.6 : 0);
            rating = Draw.clamp(Math.round(Draw.normal(r, mean, 0.9)), 1, 5);
            ratingSum += rating;
            ratingCount++;
        } else if (closed && Draw.chance(r, 0.05)) {
            rating = 0;
        }
        return rating;
    }

    private void writeConversationMetricsRow(String id, Handling t, Theme theme, String firstCloseText,
                                             String lastCloseText) throws SQLException {
        out.row(Table.CONVERSATION_METRICS)
                .text(id)
                .integer(t.reopens())
                .integer(Draw.clamp(Draw.between(r, 8, 14) + 3 * t.reopens() + (theme.troubled() ? 3 : 0), 8, 22))
                .integer(1 + Draw.poisson(r, 0.6 + 0.5 * t.reopens()))
                .real(Math.round(t.firstResponse() * 10) / 10.0)
                .realOrNull(t.closed() ? Math.round(t.firstClose() * 10) / 10.0 : Double.NaN)
                .realOrNull(t.closed() ? Math.round(t.lastClose() * 10) / 10.0 : Double.NaN)
                .text(Timestamps.utc(t.firstResponseAt()))
                .text(firstCloseText)
                .text(lastCloseText)
                .add();
    }

    /** The company name as the conversation export carries it: mostly exact, sometimes re-cased or padded. */
    private String nameAsTyped() {
        double x = r.nextDouble();
        if (x < 0.93) {
            return p.name;
        }
        if (x < 0.96) {
            return p.name.toUpperCase(Locale.ROOT);
        }
        if (x < 0.98) {
            return p.name.toLowerCase(Locale.ROOT);
        }
        return x < 0.99 ? " " + p.name : p.name + "  ";
    }

    // ---- plan changes and outcomes ----

    private void changePlan(int day, boolean upgrade) throws SQLException {
        Plan old = plan;
        double oldSpend = spend;
        long at = dayStart(day) + (p.workdayStartUtcHour + Draw.between(r, 0, 8)) * 3600L + r.nextInt(3600);
        closeSnapshot(at, day);
        plan = upgrade ? old.up() : old.down();
        seats = plan.clampSeats(seats * (upgrade ? Draw.uniform(r, 1.2, 1.8) : Draw.uniform(r, 0.5, 0.85)));
        spend = plan.spend(seats, r);
        String companyId = Ids.objectId(at, Draw.mix(seed, p.index, 500 + snapshots.size()));
        snapshots.add(new PlanSnapshot(companyId, at, plan, seats, spend));
        out.row(Table.SUBSCRIPTION_CHANGE)
                .integer(out.count(Table.SUBSCRIPTION_CHANGE) + 1)
                .text(firstCompanyId)
                .text(old.displayName)
                .text(plan.displayName)
                .real(Draw.cents(spend - oldSpend))
                .text(Timestamps.utc(at))
                .add();
        outcome(upgrade ? "upgraded" : "downgraded", at);
        // The customer-360 tier follows the plan about half the time, and its LTV with it.
        if (Draw.chance(r, 0.5)) {
            int newTier = Draw.clamp(tier + (upgrade ? 1 : -1), 0, 4);
            ltvScale *= CompanyProfile.TIER_MEAN_LTV[newTier] / CompanyProfile.TIER_MEAN_LTV[tier];
            tier = newTier;
        } else {
            ltvScale *= upgrade ? 1.08 : 0.92;
        }
    }

    private void outcome(String outcome, long at) throws SQLException {
        out.row(Table.OUTCOME)
                .integer(out.count(Table.OUTCOME) + 1)
                .text(firstCompanyId)
                .text(outcome)
                .text(Timestamps.utc(at))
                .add();
    }

    // ---- customer 360 ----

    /** Month-end analysis runs (evening UTC; the activity mart of APAC companies writes local +08:00 time). */
    private void customer360(int day) throws SQLException {
        long runAt = dayStart(day) + 18 * 3600 + (p.index % 90) * 60L;
        double recent = meanHealth(day - 29, day + 1);
        double before = meanHealth(day - 59, day - 29);
        int quietDays = (int) Math.min(365, (runAt - lastUsageSecond) / 86_400);
        if (Draw.chance(r, 0.05)) {
            channel = Draw.weighted(r, CompanyProfile.CHANNEL_WEIGHTS);
        }

        double engagement = (1.5 + 11 * StrictMath.pow(recent, 1.5)) * p.engagementTrait * Draw.uniform(r, 0.85, 1.15);
        double healthScore = Draw.clamp(8 + 92 * recent + Draw.normal(r, 0, 5), 0, 100);
        String velocity = velocity(recent, recent - before + Draw.normal(r, 0, 0.02));
        String risk = riskLevel(recent + Draw.normal(r, 0, 0.05) - (quietDays > 21 ? 0.05 : 0));
        boolean zendeskActive = p.inZendesk && Draw.chance(r, conversations30 >= 3 ? 0.65 : 0.22);
        String activityAt = p.activityOffsetMinutes == 0
                ? Timestamps.utc(runAt + 40 * 60)
                : Timestamps.withOffset(runAt + 40 * 60, p.activityOffsetMinutes);
        out.row(Table.ACTIVITY)
                .text(p.primaryEmail())
                .real(Draw.round2(engagement))
                .real(Draw.round2(healthScore))
                .integer(quietDays)
                .text(CompanyProfile.CHANNELS[channel])
                .text(velocity)
                .text(risk)
                .integer(p.inMarketo ? 1 : 0)
                .integer(p.inStripe ? 1 : 0)
                .integer(p.inZendesk ? 1 : 0)
                .integer(zendeskActive ? 1 : 0)
                .text(activityAt)
                .add();

        double ltv = Draw.cents(CompanyProfile.TIER_MEAN_LTV[tier] * p.ltvFactor * ltvScale
                * (1 + Draw.normal(r, 0, 0.015)));
        out.row(Table.FUNNEL)
                .text(p.primaryEmail())
                .text(CompanyProfile.TIERS[tier])
                .integer(p.marketingToSalesDays)
                .integer(p.salesToSupportDays)
                .real(Math.round(ltv * p.funnelLtvFactor / 10) * 10.0)
                .text(Timestamps.utc(runAt + 20 * 60))
                .add();

        int monetary = Draw.clamp((int) Math.round(p.monetaryMean + Draw.normal(r, 0, 0.3)), 1, 5);
        double churnProbability = Draw.clamp(1 / (1 + StrictMath.exp(9 * (recent - 0.42))) + Draw.normal(r, 0, 0.03),
                0.01, 0.99);
        out.row(Table.VALUE)
                .text(p.primaryEmail())
                .text(CompanyProfile.TIERS[tier])
                .integer(quietDays <= 2 ? 5 : quietDays <= 6 ? 4 : quietDays <= 13 ? 3 : quietDays <= 30 ? 2 : 1)
                .integer(usage30 >= 12 ? 5 : usage30 >= 7 ? 4 : usage30 >= 4 ? 3 : usage30 >= 1 ? 2 : 1)
                .integer(monetary)
                .real(ltv)
                .real(Math.round(churnProbability * 1000) / 1000.0)
                .text(Timestamps.utc(runAt))
                .add();
    }

    private String velocity(double recent, double trend) {
        if (p.volatileHealth && Draw.chance(r, 0.5)) {
            return "Volatile";
        }
        if (trend > 0.012) {
            return "Accelerating";
        }
        if (trend < -0.035) {
            return "Declining";
        }
        return recent < 0.46 ? "Stagnant" : "Stable";
    }

    private static String riskLevel(double score) {
        if (score >= 0.78) {
            return "Very Low";
        }
        if (score >= 0.63) {
            return "Low";
        }
        if (score >= 0.5) {
            return "Medium";
        }
        if (score >= 0.38) {
            return "High";
        }
        return score >= 0.28 ? "High Activity Risk" : "Critical";
    }

    // ---- static rows, written once the company's history is known ----

    private void writeStaticRows() throws SQLException {
        int lastDay = Math.min(days, trajectory.churnDay) - 1;
        closeSnapshot(Math.max(lastActivitySecond, snapshots.get(snapshots.size() - 1).createdSecond), lastDay);
        writeCompanyRows();
        writeCompanyMetricsRow(lastDay);
        writeContactRows();
        writeOpportunityRows(lastDay);
        writeSalesforceContactRows();
    }

    /** One company row per plan snapshot. */
    private void writeCompanyRows() throws SQLException {
        long firstCreated = snapshots.get(0).createdSecond;
        for (PlanSnapshot s : snapshots) {
            out.row(Table.COMPANY)
                    .text(s.companyId)
                    .text(p.name)
                    .text(p.website())
                    .text(p.domain)
                    .text(p.rawIndustry)
                    .text(Timestamps.utc(s.createdSecond))
                    .text(Timestamps.utc(s.updatedSecond))
                    .integer(s.seats)
                    .integer(s.sessions)
                    .real(s.spend)
                    .text(s.plan.id)
                    .text(s.plan.displayName)
                    .integer((s.updatedSecond - firstCreated) / 86_400)
                    .text(s.tags)
                    .add();
        }
    }

    private void writeCompanyMetricsRow(int lastDay) throws SQLException {
        String segment = segment(lastDay);
        double[] retention = switch (segment) {
            case "churn_watch" -> new double[] {0.60, 0.45};
            case "expansion" -> new double[] {0.74, 0.70};
            case "new_contract" -> new double[] {0.68, 0.58};
            default -> new double[] {0.70, 0.62};
        };
        double seatPenalty = 0.015 * seatBucket(seats);
        double[] responses = Arrays.copyOf(firstResponses, conversationCount);
        Arrays.sort(responses);
        out.row(Table.COMPANY_METRICS)
                .text(firstCompanyId)
                .integer(conversationCount)
                .realOrNull(ratingCount == 0 ? Double.NaN : Draw.round2(ratingSum / ratingCount))
                .integer(activeContacts(7))
                .integer(activeContacts(30))
                .real(retention(retention[0] - seatPenalty))
                .real(retention(retention[1] - seatPenalty))
                .realOrNull(conversationCount == 0 ? Double.NaN : Math.round(median(responses) * 10) / 10.0)
                .add();
    }

    private void writeContactRows() throws SQLException {
        for (int k = 0; k < contactIds.length; k++) {
            Person person = p.people[k];
            long seen = contactLastSeen[k];
            out.row(Table.CONTACT)
                    .text(contactIds[k])
                    .text(person.email())
                    .text(person.role())
                    .text(seen == 0 ? null : Timestamps.utc(seen))
                    .integer(seen >= endSecond - 7 * 86_400L ? 1 : 0)
                    .integer(seen >= endSecond - 30 * 86_400L ? 1 : 0)
                    .text("role:" + person.role().toLowerCase(Locale.ROOT).replace(' ', '_')
                            + ",region:" + p.region.toLowerCase(Locale.ROOT))
                    .text(p.name)
                    .add();
        }
    }

    /**
     * The opportunities opened by the last day, at their stage as of then: the sales opportunities
     * (new business before the contract, expansion after), then one renewal per contract year.
     */
    private void writeOpportunityRows(int lastDay) throws SQLException {
        for (Opportunity o : p.opportunities) {
            if (o.openDay() <= lastDay) {
                writeOpportunityRow(o, o.openDay() < p.createdDay ? "New Business" : "Expansion", lastDay);
            }
        }
        for (Opportunity o : renewals(lastDay)) {
            // The CRM outlives a churned customer: its open renewal is closed lost at the churn.
            writeOpportunityRow(o, "Renewal", days - 1);
        }
    }

    /**
     * A renewal opportunity for each contract anniversary from the history's start to 150 days after
     * its end (the last {@value #MAX_RENEWALS}), opened 60 to 120 days before it, for a year's spend.
     * Won on the anniversary (the customer renews then); lost when the customer churns first. Its
     * close date stays the contract's renewal date. Drawn from their own stream, so the rest of the
     * company's history is the same with or without them.
     */
    private List<Opportunity> renewals(int lastDay) {
        List<Opportunity> renewals = new ArrayList<>();
        for (int year = 1; p.createdDay + 365 * year < days + 150; year++) {
            int anniversary = p.createdDay + 365 * year;
            SplittableRandom draw = Draw.stream(seed, p.index, 7_000 + year);
            int openDay = anniversary - Draw.between(draw, 60, 120);
            if (anniversary < 0 || openDay > lastDay) {
                continue;
            }
            boolean lost = trajectory.churnDay <= anniversary;
            double amount = Draw.cents(12 * spend * Draw.uniform(draw, 0.95, 1.1));
            // Closed (won or lost) when the anniversary or the churn has come by the last day.
            int decidedOn = lost ? trajectory.churnDay : anniversary;
            renewals.add(new Opportunity(Ids.salesforce(Ids.OPPORTUNITY, (p.salesforceBase + p.index) * 16 + 8
                    + year % MAX_RENEWALS), openDay, anniversary, !lost, amount, decidedOn));
        }
        return renewals.size() > MAX_RENEWALS ? renewals.subList(renewals.size() - MAX_RENEWALS, renewals.size())
                : renewals;
    }

    /** One opportunity row, at its stage as of {@code asOfDay}. */
    private void writeOpportunityRow(Opportunity o, String type, int asOfDay) throws SQLException {
        boolean isClosed = o.decidedDay() <= asOfDay;
        String stage;
        if (isClosed) {
            stage = o.won() ? "Closed Won" : "Closed Lost";
        } else {
            double progress = (asOfDay - o.openDay()) / (double) (o.closeDay() - o.openDay());
            stage = OPEN_STAGES[Draw.clamp((int) (progress * 4), 0, 3)];
        }
        out.row(Table.OPPORTUNITY)
                .text(o.id())
                .text(p.accountId)
                .integer(isClosed && o.won() ? 1 : 0)
                .integer(isClosed ? 1 : 0)
                .text(stage)
                .text(Timestamps.date(startEpochDay + o.closeDay()))
                .real(o.amount())
                .text(Timestamps.date(startEpochDay + o.openDay()))
                .text(type)
                .add();
    }

    private void writeSalesforceContactRows() throws SQLException {
        for (int k = 0; k < p.people.length; k++) {
            Person person = p.people[k];
            out.row(Table.SF_CONTACT)
                    .text(p.salesforceContactId(k))
                    .text(p.accountId)
                    .text(person.hasEmail() ? person.email() : null)
                    .text(person.title())
                    .add();
        }
    }

    /** Ends the current plan snapshot: its updated time, sessions and tags as of then. */
    private void closeSnapshot(long at, int day) {
        PlanSnapshot s = snapshots.get(snapshots.size() - 1);
        s.updatedSecond = at;
        s.sessions = Math.round(sessions);
        double recent = meanHealth(day - 29, day + 1);
        int age = day - p.createdDay;
        String lifecycle = age < 90 ? "onboard" : age < 365 ? "adopt"
                : recent < 0.5 ? "at_risk" : recent >= 0.75 ? "expand" : "stabilize";
        s.tags = "tier:" + s.plan.tag + ",segment:" + segment(day) + ",region:" + p.region + ",lifecycle:" + lifecycle
                + ",seat_bucket:seats:" + SEAT_BUCKETS[seatBucket(s.seats)] + ",arr_bucket:arr:" + arrBucket(s.spend * 12);
    }

    private static final String[] SEAT_BUCKETS = {"1_24", "25_59", "60_129", "130_259", "260_499", "500_plus"};

    private static int seatBucket(int seats) {
        return seats <= 24 ? 0 : seats <= 59 ? 1 : seats <= 129 ? 2 : seats <= 259 ? 3 : seats <= 499 ? 4 : 5;
    }

    private static String arrBucket(double acv) {
        return acv < 10_000 ? "0_10k" : acv < 25_000 ? "10k_25k" : acv < 65_000 ? "25k_65k"
                : acv < 110_000 ? "65k_110k" : "110k_plus";
    }

    /** Support segment as of a day: new contracts in their first year, then by recent health and renewal timing. */
    private String segment(int day) {
        if (day - p.createdDay < 365) {
            return "new_contract";
        }
        double recent = meanHealth(day - 29, day + 1);
        if (recent < 0.58) {
            return "churn_watch";
        }
        if (daysToAnniversary(day) <= 90) {
            return "renewal";
        }
        return recent >= 0.68 ? "expansion" : "renewal";
    }

    private int daysToAnniversary(int day) {
        return Math.floorMod(p.createdDay - day, 365);
    }

    private int activeContacts(int withinDays) {
        int n = 0;
        for (long seen : contactLastSeen) {
            if (seen >= endSecond - withinDays * 86_400L) {
                n++;
            }
        }
        return n;
    }

    private double retention(double mean) {
        return Math.round(Draw.clamp(mean + Draw.normal(r, 0, 0.04), 0.05, 0.99) * 1000) / 1000.0;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Mean latent health over days [from, to), limited to the days simulated so far. */
    private double meanHealth(int from, int to) {
        int lo = Math.max(from, -HealthTrajectory.WARMUP_DAYS) + HealthTrajectory.WARMUP_DAYS;
        int hi = Math.min(to + HealthTrajectory.WARMUP_DAYS, health.length);
        double sum = 0;
        int n = 0;
        for (int i = lo; i < hi; i++) {
            if (health[i] > 0) {
                sum += health[i];
                n++;
            }
        }
        return n == 0 ? trajectory.base : sum / n;
    }

    /** n sorted instants within the company's local business day. */
    private long[] sortedTimes(int day, int n) {
        long[] times = new long[n];
        long workday = dayStart(day) + p.workdayStartUtcHour * 3600L;
        for (int i = 0; i < n; i++) {
            times[i] = workday + r.nextInt(10 * 3600);
        }
        Arrays.sort(times);
        return times;
    }

    private long dayStart(int day) {
        return (startEpochDay + day) * Timestamps.SECONDS_PER_DAY;
    }
}

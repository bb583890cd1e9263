package io.pulse.generate;

import java.util.SplittableRandom;

/**
 * The static traits of one generated company, drawn from its own random stream: identity in
 * every system (name, domain, Salesforce account, contacts), firmographics, starting plan,
 * base health and the customer-360 value traits.
 *
 * <p>Deliberate duplicate names: one company in every 200 (index % 200 == 150) takes the name of
 * an earlier company in the same block of 200 but is otherwise a distinct company, with its own
 * domain ({@code <stem>.io} instead of {@code <stem>.com}), its own Salesforce account and
 * its own data. Conversations and Salesforce accounts reach companies by name only, so a reader
 * must resolve such a name deterministically (e.g. to the company created first).
 */
final class CompanyProfile {

    static final String[] INDUSTRIES = {
        "Technology", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education"
    };
    private static final double[] INDUSTRY_WEIGHTS = {28, 17, 15, 16, 14, 10};
    /** Intercom's free-text industry, several spellings per normalised industry. */
    private static final String[][] RAW_INDUSTRIES = {
        {"Software", "SaaS", "Information Technology", "Computer Software"},
        {"Fintech", "Banking", "Insurance", "Financial Services"},
        {"Healthcare", "Hospital & Health Care", "Medical Devices", "Health Tech"},
        {"Manufacturing", "Industrial Automation", "Machinery", "Automotive"},
        {"Retail", "E-commerce", "Consumer Goods", "Wholesale"},
        {"Education", "E-learning", "Higher Education", "EdTech"}
    };
    static final String[] SIZE_SEGMENTS = {"Small Business", "Mid-Market", "Large", "Enterprise"};
    private static final String[] REGIONS = {"NA", "EMEA", "APAC", "LATAM"};
    private static final double[] REGION_WEIGHTS = {45, 30, 18, 7};
    /** Start of the local business day in UTC hours, per region. */
    private static final int[] REGION_WORKDAY_START_UTC = {14, 7, 1, 12};
    static final String[] TIERS = {"Basic", "Bronze", "Silver", "Gold", "Platinum"};
    static final double[] TIER_MEAN_LTV = {1_700, 5_000, 10_000, 21_000, 42_000};
    static final String[] CHANNELS = {"Email", "Webinar", "Paid Search", "Organic Search", "Event", "Social Media"};
    static final double[] CHANNEL_WEIGHTS = {28, 15, 16, 18, 10, 13};
    private static final String[] ROLES = {"Admin", "Billing Owner", "Champion", "Engineer", "End User",
        "Executive Sponsor", "Analyst", "End User", "End User"};
    private static final String[] TITLES = {"VP Customer Success", "Head of Operations", "Data Engineer",
        "Finance Manager", "CTO", "Product Manager", "Operations Analyst", "IT Administrator", "COO",
        "Marketing Director", "Sales Operations Manager", "Procurement Lead", "Support Manager", "CFO"};

    /** A person at the company: a Salesforce contact and, for the first few, an Intercom contact. */
    record Person(String email, String role, String title, boolean hasEmail) {}

    /**
     * A Salesforce opportunity, with the days (relative to the start) it opened, closes (its close
     * date) and is decided (won or lost: the close day, or earlier for a renewal lost to a churn).
     */
    record Opportunity(String id, int openDay, int closeDay, boolean won, double amount, int decidedDay) {
        Opportunity(String id, int openDay, int closeDay, boolean won, double amount) {
            this(id, openDay, closeDay, won, amount, closeDay);
        }
    }

    final int index;
    final String name;
    final String domain;
    final String industry;
    final String rawIndustry;
    final int employees;
    final int sizeRank;
    final double annualRevenue;
    final String region;
    final int workdayStartUtcHour;
    /** APAC marts write the activity timestamp in local time with its offset. */
    final int activityOffsetMinutes;
    final int createdDay;
    final int accountCreatedDay;
    final Plan plan;
    final int seats;
    final double baseHealth;
    final boolean volatileHealth;
    final double emailRatio;
    final Person[] people;
    final int intercomContacts;
    /** Base of this run's Salesforce id numbers (ids grow with the company index from it). */
    final long salesforceBase;
    final String accountId;
    final Opportunity[] opportunities;
    final int customerTier;
    final double ltvFactor;
    final double monetaryMean;
    final double funnelLtvFactor;
    final int marketingToSalesDays;
    final int salesToSupportDays;
    final int channel;
    final boolean inMarketo;
    final boolean inStripe;
    final boolean inZendesk;
    final double engagementTrait;
    final double activityIntensity;
    final double conversationTrait;
    final double usageTrait;

    CompanyProfile(long seed, int index, int days, Names names) {
        SplittableRandom r = Draw.stream(seed, index, 0);
        this.index = index;
        if (index % 200 == 150) {
            int original = index - 1 - (int) Math.floorMod(Draw.mix(seed, index, 99), 100L);
            name = names.company(original);
            domain = names.domainStem(original) + ".io";
        } else {
            name = names.company(index);
            domain = names.domainStem(index) + ".com";
        }

        int industryIndex = Draw.weighted(r, INDUSTRY_WEIGHTS);
        industry = INDUSTRIES[industryIndex];
        rawIndustry = Draw.pick(r, RAW_INDUSTRIES[industryIndex]);
        employees = (int) Math.round(Draw.logNormalWithin(r, 2_000, 2.2, 13, 50_000));
        sizeRank = employees < 200 ? 0 : employees < 1_000 ? 1 : employees < 5_000 ? 2 : 3;
        annualRevenue = Draw.cents(employees * Draw.logNormalWithin(r, 150_000, 0.75,
                900_000.0 / employees, 14e9 / employees));
        int regionIndex = Draw.weighted(r, REGION_WEIGHTS);
        region = REGIONS[regionIndex];
        workdayStartUtcHour = REGION_WORKDAY_START_UTC[regionIndex];
        activityOffsetMinutes = regionIndex == 2 ? 8 * 60 : 0;
        // Most companies are customers before the history starts; one in five signs up during it.
        createdDay = Draw.chance(r, 0.8) ? -Draw.between(r, 14, 1_100) : Draw.between(r, 0, days * 7 / 10);
        accountCreatedDay = createdDay - Draw.between(r, 0, 240);

        plan = Plan.values()[Draw.clamp((int) Math.round(sizeRank + Draw.normal(r, -0.6, 0.75)), 0, 3)];
        seats = plan.drawSeats(r);

        // Low health concentrates in small and mid-market manufacturing and healthcare accounts;
        // enterprise accounts are the best looked after.
        boolean exposed = (industryIndex == 2 || industryIndex == 3) && sizeRank <= 1;
        baseHealth = Draw.clamp(Draw.normal(r, exposed ? 0.60 : sizeRank == 3 ? 0.73 : 0.69, 0.15), 0.08, 0.97);
        volatileHealth = Draw.chance(r, 0.12);
        // Poorly kept CRM records (contacts without email) go with weaker accounts.
        double missing = Draw.exponential(r, 0.06 * (1 + 2.0 * Math.max(0, 0.72 - baseHealth))
                * (exposed ? 1.5 : sizeRank == 3 ? 0.5 : 1));
        emailRatio = Draw.clamp(1 - missing, 0.35, 1);

        int totalContacts = (int) Math.round(switch (sizeRank) {
            case 0 -> Draw.logNormalWithin(r, 5, 0.5, 2, 25);
            case 1 -> Draw.logNormalWithin(r, 10, 0.5, 3, 50);
            case 2 -> Draw.logNormalWithin(r, 22, 0.5, 6, 100);
            default -> Draw.logNormalWithin(r, 45, 0.5, 12, 200);
        });
        int withEmail = Math.max(1, (int) Math.round(totalContacts * emailRatio));
        people = drawPeople(r, totalContacts, withEmail);
        intercomContacts = Math.min(withEmail, Draw.clamp(2 + seats / 40, 2, 15));

        salesforceBase = salesforceBase(seed);
        accountId = accountId(salesforceBase, index);
        opportunities = drawOpportunities(r, days);

        customerTier = Draw.clamp((int) Math.round(plan.rank() * 1.33 + Draw.normal(r, 0, 0.8)), 0, 4);
        // Log-normal with mean 1, so each tier's average LTV is its nominal mean.
        double z = Draw.gaussian(r);
        ltvFactor = StrictMath.exp(0.5 * z - 0.125);
        monetaryMean = 3 + 1.3 * z + Draw.normal(r, 0, 0.8);
        funnelLtvFactor = Draw.uniform(r, 0.6, 1.25);
        marketingToSalesDays = (int) Math.round(Draw.logNormalWithin(r, 18, 0.7, 1, 180));
        salesToSupportDays = (int) Math.round(Draw.logNormalWithin(r, 62, 0.65, 3, 365));
        channel = Draw.weighted(r, CHANNEL_WEIGHTS);
        inMarketo = Draw.chance(r, 0.72);
        inStripe = Draw.chance(r, 0.85);
        inZendesk = Draw.chance(r, 0.55);
        engagementTrait = Draw.logNormal(r, 1, 0.25);
        // Bigger accounts are worked by bigger account teams.
        activityIntensity = Draw.clamp(StrictMath.pow(annualRevenue / 5e8, 0.75) * Draw.logNormal(r, 1, 0.25), 0.15, 10);
        conversationTrait = Draw.logNormal(r, 1, 0.35);
        usageTrait = Draw.logNormal(r, 1, 0.3);
    }

    /** Base of a run's Salesforce id numbers. */
    static long salesforceBase(long seed) {
        return Math.floorMod(Draw.mix(seed, -2, 0), 1L << 40);
    }

    /** The Salesforce account id of a company. */
    static String accountId(long salesforceBase, int index) {
        return Ids.salesforce(Ids.ACCOUNT, salesforceBase + index);
    }

    String website() {
        return "https://www." + domain;
    }

    String primaryEmail() {
        return people[0].email();
    }

    String sizeSegment() {
        return SIZE_SEGMENTS[sizeRank];
    }

    private Person[] drawPeople(SplittableRandom r, int count, int withEmail) {
        Person[] result = new Person[count];
        String[] used = new String[count];
        for (int i = 0; i < count; i++) {
            String local;
            do {
                local = Draw.pick(r, Names.FIRST_NAMES) + "." + Draw.pick(r, Names.LAST_NAMES);
            } while (contains(used, i, local));
            used[i] = local;
            String role = i == 0 ? "Admin" : i == 1 ? "Billing Owner" : Draw.pick(r, ROLES);
            result[i] = new Person(local + "@" + domain, role, Draw.pick(r, TITLES), i < withEmail);
        }
        return result;
    }

    /** Id of the k-th Salesforce contact (at most 256 per account). */
    String salesforceContactId(int k) {
        return Ids.salesforce(Ids.CONTACT, (salesforceBase + index) * 256 + k);
    }

    private Opportunity[] drawOpportunities(SplittableRandom r, int days) {
        Opportunity[] result = new Opportunity[Draw.between(r, 2, 4 + sizeRank)];
        for (int i = 0; i < result.length; i++) {
            int closeDay = Draw.between(r, Math.max(accountCreatedDay, -900), days + 150);
            int openDay = closeDay - Draw.between(r, 60, 400);
            // Deals scale with the customer's revenue, up to what one deal can be.
            double amount = Draw.cents(Draw.logNormalWithin(r, Math.min(0.12 * annualRevenue, 220e6), 0.5, 5_000, 450e6));
            result[i] = new Opportunity(Ids.salesforce(Ids.OPPORTUNITY, (salesforceBase + index) * 16 + i),
                    openDay, closeDay, Draw.chance(r, 0.31), amount);
        }
        return result;
    }

    private static boolean contains(String[] values, int length, String value) {
        for (int i = 0; i < length; i++) {
            if (values[i].equals(value)) {
                return true;
            }
        }
        return false;
    }
}

package io.pulse.generate;

import java.util.SplittableRandom;

/**
 * What support conversations are about: each theme has its Intercom topic (for the pipe-separated
 * {@code topic:...|...} tag format), its labels (for the comma-separated label format) and its
 * subjects. The weights shift with the company's state: escalation, billing and downgrade talk in
 * the month before a downgrade, Bug/Outage after a troubled upgrade, renewal talk near the
 * contract anniversary, and so on.
 */
final class SupportThemes {

    /** The company's state on the day of a conversation. */
    record State(double health, boolean newCustomer, boolean beforeDowngrade, boolean beforeUpgrade,
                 boolean afterTroubledUpgrade, boolean beforeChurn, boolean nearRenewal) {}

    enum Theme {
        ONBOARDING("onboarding", new String[] {"Implementation", "Training"}, 5,
                "Onboarding next steps", "Kickoff follow-up", "Setting up our workspace"),
        ADOPTION("adoption", new String[] {"Enablement", "Adoption Risk"}, 7,
                "Team is not using the dashboards", "Adoption check-in", "Rolling out to a new department"),
        INTEGRATION("integration", new String[] {"Integration", "API"}, 9,
                "Salesforce integration setup", "Webhook retries failing", "API rate limits"),
        FEATURE("feature_request", new String[] {"Feature Feedback"}, 9,
                "Feature request: bulk edit", "Feedback on the new reports", "Can we schedule exports?"),
        USAGE("usage_insight", new String[] {"Usage Spike"}, 6,
                "Usage report for last month", "Usage spike on our account", "Who is using which features?"),
        SUCCESS_PLAN("success_plan", new String[] {"Enablement"}, 6,
                "Success plan review", "QBR agenda", "Goals for next quarter"),
        SECURITY("security", new String[] {"Security"}, 4,
                "SSO configuration", "Security questionnaire", "Audit log access"),
        PRODUCT_TOUR("product_tour", new String[] {"Training"}, 5,
                "Product tour request", "How do I build a dashboard?", "Training for new admins"),
        AUTOMATION("adoption", new String[] {"Automation"}, 5,
                "Automating weekly exports", "Workflow triggers question", "Setting up alert rules"),
        BILLING("billing", new String[] {"Billing"}, 7,
                "Billing discrepancy - %s", "Invoice question", "Update billing contact"),
        RENEWAL("renewal", new String[] {"Renewal"}, 3,
                "Renewal terms for %s", "Contract renewal question", "Renewal quote request"),
        BUG("integration", new String[] {"Bug"}, 7,
                "Bug: export returns an empty file", "Error 500 on the reports page", "Charts show wrong totals"),
        OUTAGE("escalation", new String[] {"Outage", "Bug"}, 1.5,
                "Outage: dashboards not loading", "Sync down since this morning", "Service unavailable for our team"),
        ESCALATION("escalation", new String[] {"Escalation", "Executive Attention"}, 2.5,
                "Escalation: ticket still unresolved", "Executive follow-up requested", "Service concerns from our VP"),
        DATA_QUALITY("usage_insight", new String[] {"Data Quality"}, 2.5,
                "Numbers in the report don't match", "Duplicate records after import", "Missing data since Monday"),
        DOWNGRADE("billing", new String[] {"Downgrade Risk", "Billing"}, 0.4,
                "Seat downgrade discussion", "Request to downgrade our plan", "Reducing seats at renewal"),
        UPGRADE("success_plan", new String[] {"Upgrade Opportunity"}, 1.2,
                "plan upgrade", "Upgrade to %s", "Adding seats for a new team");

        final String topic;
        final String[] labels;
        final double baseWeight;
        final String[] subjects;

        Theme(String topic, String[] labels, double baseWeight, String... subjects) {
            this.topic = topic;
            this.labels = labels;
            this.baseWeight = baseWeight;
            this.subjects = subjects;
        }

        boolean troubled() {
            return this == BUG || this == OUTAGE || this == ESCALATION || this == DATA_QUALITY;
        }
    }

    private static final Theme[] THEMES = Theme.values();
    /** Labels that ride along with a theme's own, by mood: never upgrade/downgrade words. */
    private static final String[] TROUBLE_EXTRAS = {"Escalation", "Executive Attention", "Data Quality", "Bug"};
    private static final String[] HAPPY_EXTRAS = {"Enablement", "Automation", "Implementation", "API", "Training"};

    private final double[] weights = new double[THEMES.length];

    /** The theme of a conversation, given the company's state. */
    Theme theme(SplittableRandom r, State s) {
        for (Theme t : THEMES) {
            weights[t.ordinal()] = t.baseWeight;
        }
        if (s.newCustomer()) {
            add(Theme.ONBOARDING, 8);
            add(Theme.PRODUCT_TOUR, 4);
        }
        if (s.health() < 0.5) {
            scale(Theme.ESCALATION, 2.5);
            scale(Theme.BUG, 1.5);
            scale(Theme.DATA_QUALITY, 2);
            scale(Theme.BILLING, 1.5);
            scale(Theme.ADOPTION, 1.5);
            scale(Theme.DOWNGRADE, 3);
            scale(Theme.UPGRADE, 0.2);
        } else if (s.health() > 0.75) {
            scale(Theme.UPGRADE, 1.8);
            scale(Theme.AUTOMATION, 1.5);
        }
        if (s.beforeDowngrade()) {
            add(Theme.DOWNGRADE, 5);
            add(Theme.ESCALATION, 1.5);
            add(Theme.BILLING, 1.5);
        }
        if (s.beforeUpgrade()) {
            add(Theme.UPGRADE, 12);
            add(Theme.SUCCESS_PLAN, 3);
            add(Theme.USAGE, 4);
        }
        if (s.afterTroubledUpgrade()) {
            add(Theme.BUG, 40);
            add(Theme.OUTAGE, 15);
            add(Theme.ESCALATION, 6);
        }
        if (s.beforeChurn()) {
            add(Theme.ESCALATION, 5);
            add(Theme.BILLING, 4);
            add(Theme.RENEWAL, 3);
            add(Theme.DATA_QUALITY, 3);
        }
        if (s.nearRenewal()) {
            add(Theme.RENEWAL, 7);
        }
        return THEMES[Draw.weighted(r, weights)];
    }

    /** Comma-space labels: the theme's own, sometimes one more matching the mood. */
    static String labels(SplittableRandom r, Theme theme, State s) {
        String labels = theme.labels.length == 1 || Draw.chance(r, 0.5)
                ? theme.labels[0] : theme.labels[0] + ", " + theme.labels[1];
        boolean troubled = s.health() < 0.45 || s.beforeDowngrade() || s.afterTroubledUpgrade() || s.beforeChurn();
        if (Draw.chance(r, troubled ? 0.35 : 0.15)) {
            String extra = Draw.pick(r, troubled ? TROUBLE_EXTRAS : HAPPY_EXTRAS);
            if (!labels.contains(extra)) {
                labels = labels + ", " + extra;
            }
        }
        return labels;
    }

    static String subject(SplittableRandom r, Theme theme, String companyName, Plan plan, int year) {
        String template = Draw.pick(r, theme.subjects);
        if (!template.contains("%s")) {
            return template;
        }
        String value = switch (theme) {
            case BILLING -> companyName;
            case RENEWAL -> Integer.toString(year + 1);
            default -> plan.up().displayName;
        };
        return template.replace("%s", value);
    }

    private void add(Theme t, double weight) {
        weights[t.ordinal()] += weight;
    }

    private void scale(Theme t, double factor) {
        weights[t.ordinal()] *= factor;
    }
}

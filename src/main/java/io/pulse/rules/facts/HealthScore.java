package io.pulse.rules.facts;

/**
 * Classification fact: Pulse's own 0-100 health score of one account (rules-pack section 1),
 * inserted by the rule "Health score from the four weighted dimensions". The four dimension
 * sub-scores (each 0-1) are kept so the band rules can show a CSM what drove the score.
 */
public final class HealthScore {
    private final double score;
    private final double activity;
    private final double contactQuality;
    private final double commercialValue;
    private final double scale;
    private final double predicted6mRevenue;
    private final ScoreInputs inputs;

    /** A score without its breakdown by input. */
    public HealthScore(double score, double activity, double contactQuality, double commercialValue,
                       double scale, double predicted6mRevenue) {
        this(score, activity, contactQuality, commercialValue, scale, predicted6mRevenue, null);
    }

    public HealthScore(double score, double activity, double contactQuality, double commercialValue,
                       double scale, double predicted6mRevenue, ScoreInputs inputs) {
        this.score = score;
        this.activity = activity;
        this.contactQuality = contactQuality;
        this.commercialValue = commercialValue;
        this.scale = scale;
        this.predicted6mRevenue = predicted6mRevenue;
        this.inputs = inputs;
    }

    /** 0-100, rounded to 2 decimals; the bands compare this rounded value. */
    public double getScore() { return score; }
    /** Activity sub-score, 0-1 (recency and 30-day volume). */
    public double getActivity() { return activity; }
    /** Share of contacts with an email, 0-1 (0 without contacts). */
    public double getContactQuality() { return contactQuality; }
    /** Commercial sub-score, 0-1 (annual revenue and won amount, against the population). */
    public double getCommercialValue() { return commercialValue; }
    /** Scale sub-score, 0-1 (size segment and employees). */
    public double getScale() { return scale; }
    /** Six-month revenue contribution in USD, rounded to cents: the "revenue at risk". */
    public double getPredicted6mRevenue() { return predicted6mRevenue; }
    /** What each input adds to the score, in points; null when the rule that made the score did not say. */
    public ScoreInputs getInputs() { return inputs; }

    @Override
    public String toString() {
        return "HealthScore[" + score + "]";
    }
}

package io.pulse.rules.facts;


/**
 * The arithmetic of the 0-100 health score (rules-pack section 1), called by the rule "Health
 * score from the four weighted dimensions". Every weight and bound comes from {@link Parameters}
 * (parameters.json) or the {@link Population}; nothing here is a business number.
 *
 * <pre>
 * activity   = recencyWeight x clip((recencyMaxDays - daysSinceLastActivity) / recencyMaxDays)
 *            + volumeWeight  x clip(activities30d / activities30dMax)
 * contact    = contactsWithEmail / totalContacts            (0 when there are no contacts)
 * commercial = annualRevenueWeight x minmax(annualRevenue, population min..max)
 *            + totalWonWeight      x clip(totalWonAmount / population totalWonMax)
 * scale      = segmentWeight x segmentScores[sizeSegment]   (0 for an unknown segment)
 *            + employeesWeight x sqrt(minmax(employees, population min..max))
 * score      = clip(100 x (w.activity x activity + w.contactQuality x contact
 *                        + w.commercialValue x commercial + w.scale x scale), 0, 100), 2 decimals
 * predicted6m = (totalWonWeight x totalWonAmount + pipelineWeight x pipelineAmount) x score / 100
 * </pre>
 *
 * clip() clips to [0,1]; a range of zero width (min == max, a bound of 0) gives 0, never NaN.
 */
public final class HealthScoreCalculator {
    private HealthScoreCalculator() {}

    public static HealthScore compute(Account account, Population population, Parameters parameters) {
        Parameters.HealthScoreWeights h = parameters.getHealthScore();
        Parameters.DimensionWeights w = h.getWeights();
        Parameters.ActivityDimension a = h.getActivity();
        double recency = a.getRecencyWeight() * ratio(a.getRecencyMaxDays() - account.getDaysSinceLastActivity(), a.getRecencyMaxDays());
        double volume = a.getVolumeWeight() * ratio(account.getActivities30d(), a.getActivities30dMax());
        double activity = recency + volume;

        double contact = ratio(account.getContactsWithEmail(), account.getTotalContacts());

        Parameters.CommercialDimension c = h.getCommercialValue();
        double revenue = c.getAnnualRevenueWeight()
                * minMax(account.getAnnualRevenue(), population.getAnnualRevenueMin(), population.getAnnualRevenueMax());
        double won = c.getTotalWonWeight() * ratio(account.getTotalWonAmount(), population.getTotalWonMax());
        double commercial = revenue + won;

        Parameters.ScaleDimension s = h.getScale();
        double segment = s.getSegmentWeight() * s.segmentScore(account.getSizeSegment());
        double employees = s.getEmployeesWeight()
                * Math.sqrt(minMax(account.getEmployees(), population.getEmployeesMin(), population.getEmployeesMax()));
        double scale = segment + employees;

        double raw = 100 * (w.getActivity() * activity + w.getContactQuality() * contact
                + w.getCommercialValue() * commercial + w.getScale() * scale);
        double score = round2(Math.max(0, Math.min(100, raw)));
        ScoreInputs inputs = new ScoreInputs(points(w.getActivity(), recency), points(w.getActivity(), volume),
                points(w.getContactQuality(), contact), points(w.getCommercialValue(), revenue),
                points(w.getCommercialValue(), won), points(w.getScale(), segment), points(w.getScale(), employees));

        Parameters.Predicted6mRevenue p = parameters.getPredicted6mRevenue();
        double predicted6m = round2((p.getTotalWonWeight() * account.getTotalWonAmount()
                + p.getPipelineWeight() * account.getPipelineAmount()) * score / 100);
        return new HealthScore(score, activity, contact, commercial, scale, predicted6m, inputs);
    }

    /** A dimension's part, weighted into points of the score (2 decimals). */
    private static double points(double dimensionWeight, double part) {
        return round2(100 * dimensionWeight * part);
    }

    /** value / bound clipped to [0,1]; 0 when the bound is not positive. */
    static double ratio(double value, double bound) {
        return bound > 0 ? clip(value / bound) : 0.0;
    }

    /** (value - min) / (max - min) clipped to [0,1]; 0 when the range is empty. */
    static double minMax(double value, double min, double max) {
        return ratio(value - min, max - min);
    }

    static double clip(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    /** Half-up to 2 decimals (the scores and amounts Pulse shows). */
    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

package io.pulse.rules.facts;

import io.pulse.rules.engine.CustomerEvaluation;
import static io.pulse.testing.RulePackFixtures.AS_OF;
import static io.pulse.testing.RulePackFixtures.account;
import static io.pulse.testing.RulePackFixtures.population;
import static io.pulse.testing.RulePackFixtures.profile;
import static io.pulse.testing.RulePackFixtures.shippedEngine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The health score (rules-pack section 1) against hand-computed values, through the shipped rule
 * pack (rule "Health score from the four weighted dimensions" + the band rules), with the default
 * parameters: weights 0.4/0.3/0.2/0.1, recency over 117 days, activity over 480, population
 * revenue 1M..10B, won max 1B, employees 10..50,000.
 */
class HealthScoreCalculatorTest {

    private static CustomerEvaluation evaluate(Account account) {
        return shippedEngine().evaluate(account, profile(account.getCustomerId()), population(), AS_OF);
    }

    private static HealthScore dimensions(Account account) {
        return HealthScoreCalculator.compute(account, population(), shippedEngine().parameters());
    }

    @Test
    void enterpriseAccountWithHighActivityScoresHigh() {
        Account a = account("big.example");
        a.setSizeSegment("Enterprise");
        a.setDaysSinceLastActivity(2);
        a.setActivities30d(400);
        a.setTotalContacts(10);
        a.setContactsWithEmail(10);
        a.setAnnualRevenue(5e9);
        a.setTotalWonAmount(5e8);
        a.setPipelineAmount(2e8);
        a.setEmployees(20_000);
        // activity   = 0.5 x (117-2)/117 + 0.5 x 400/480 = 0.5 x 0.982906 + 0.5 x 0.833333   = 0.908120
        // contact    = 10/10                                                                 = 1
        // commercial = 0.5 x (5e9-1e6)/(1e10-1e6) + 0.5 x 5e8/1e9 = 0.5 x 0.499950 + 0.25     = 0.499975
        // scale      = 0.7 x 1.0 + 0.3 x sqrt((20000-10)/(50000-10)) = 0.7 + 0.3 x 0.632361  = 0.889708
        // score      = 100 x (0.4 x 0.908120 + 0.3 x 1 + 0.2 x 0.499975 + 0.1 x 0.889708)
        //            = 100 x (0.363248 + 0.3 + 0.099995 + 0.088971)                           = 85.22
        // predicted  = (0.4 x 5e8 + 0.6 x 2e8) x 85.22 / 100 = 3.2e8 x 0.8522                = 272,704,000
        HealthScore d = dimensions(a);
        assertThat(d.getActivity()).isCloseTo(0.908120, within(1e-6));
        assertThat(d.getContactQuality()).isEqualTo(1.0);
        assertThat(d.getCommercialValue()).isCloseTo(0.499975, within(1e-6));
        assertThat(d.getScale()).isCloseTo(0.889708, within(1e-6));

        CustomerEvaluation e = evaluate(a);
        assertThat(e.healthScore()).isCloseTo(85.22, within(0.01));
        assertThat(e.healthBand()).isEqualTo("High");
        assertThat(e.predicted6mRevenue()).isCloseTo(272_704_000.0, within(0.01));
    }

    @Test
    void midMarketAccountWithModerateActivityScoresMedium() {
        Account a = account("mid.example"); // days 20, 120 activities, 9 of 10 contacts, revenue 1B, won 100M
        // activity   = 0.5 x 97/117 + 0.5 x 120/480 = 0.5 x 0.829060 + 0.5 x 0.25             = 0.539530
        // contact    = 9/10                                                                  = 0.9
        // commercial = 0.5 x (1e9-1e6)/(1e10-1e6) + 0.5 x 1e8/1e9 = 0.5 x 0.099910 + 0.05    = 0.099955
        // scale      = 0.7 x 0.6 + 0.3 x sqrt((2000-10)/(50000-10)) = 0.42 + 0.3 x 0.199519  = 0.479856
        // score      = 100 x (0.4 x 0.539530 + 0.3 x 0.9 + 0.2 x 0.099955 + 0.1 x 0.479856)
        //            = 100 x (0.215812 + 0.27 + 0.019991 + 0.047986)                          = 55.38
        // predicted  = (0.4 x 1e8 + 0.6 x 5e7) x 0.5538 = 7e7 x 0.5538                        = 38,766,000
        CustomerEvaluation e = evaluate(a);
        assertThat(e.healthScore()).isCloseTo(55.38, within(0.01));
        assertThat(e.healthBand()).isEqualTo("Medium");
        assertThat(e.predicted6mRevenue()).isCloseTo(38_766_000.0, within(0.01));
    }

    @Test
    void smallBusinessWithoutContactsScoresLowAndContactQualityIsZero() {
        Account a = account("small.example");
        a.setSizeSegment("Small Business");
        a.setDaysSinceLastActivity(90);
        a.setActivities30d(12);
        a.setTotalContacts(0);
        a.setContactsWithEmail(0);
        a.setAnnualRevenue(5e6);
        a.setTotalWonAmount(0);
        a.setPipelineAmount(1e6);
        a.setEmployees(25);
        // activity   = 0.5 x 27/117 + 0.5 x 12/480 = 0.5 x 0.230769 + 0.5 x 0.025              = 0.127885
        // contact    = no contacts                                                           = 0
        // commercial = 0.5 x (5e6-1e6)/(1e10-1e6) + 0.5 x 0 = 0.5 x 0.000400                  = 0.000200
        // scale      = 0.7 x 0.4 + 0.3 x sqrt((25-10)/(50000-10)) = 0.28 + 0.3 x 0.017322     = 0.285197
        // score      = 100 x (0.4 x 0.127885 + 0 + 0.2 x 0.000200 + 0.1 x 0.285197)
        //            = 100 x (0.051154 + 0.000040 + 0.028520)                                 = 7.97
        // predicted  = (0 + 0.6 x 1e6) x 0.0797                                               = 47,820
        assertThat(dimensions(a).getContactQuality()).isZero();
        CustomerEvaluation e = evaluate(a);
        assertThat(e.healthScore()).isCloseTo(7.97, within(0.01));
        assertThat(e.healthBand()).isEqualTo("Low");
        assertThat(e.predicted6mRevenue()).isCloseTo(47_820.0, within(0.01));
    }

    /** Activity, commercial value and scale at their maximum (1); contact quality tunes the score. */
    private static Account maxedOutExceptContacts(int withEmail, int contacts) {
        Account a = account("edge.example");
        a.setSizeSegment("Enterprise");
        a.setDaysSinceLastActivity(0);
        a.setActivities30d(480);
        a.setAnnualRevenue(1e10);
        a.setTotalWonAmount(1e9);
        a.setEmployees(50_000);
        a.setContactsWithEmail(withEmail);
        a.setTotalContacts(contacts);
        return a;
    }

    /** Activity at 1, commercial value 0, Small Business with the fewest employees (scale 0.28). */
    private static Account smallAndQuietExceptContacts(int withEmail, int contacts) {
        Account a = account("edge.example");
        a.setSizeSegment("Small Business");
        a.setDaysSinceLastActivity(0);
        a.setActivities30d(480);
        a.setAnnualRevenue(1e6);
        a.setTotalWonAmount(0);
        a.setEmployees(10);
        a.setContactsWithEmail(withEmail);
        a.setTotalContacts(contacts);
        return a;
    }

    @Test
    void eightyIsHighAndSeventyNineNinetyNineIsMedium() {
        // 100 x (0.4 + 0.3 x 1/3 + 0.2 + 0.1) = 80.00
        CustomerEvaluation at80 = evaluate(maxedOutExceptContacts(1, 3));
        assertThat(at80.healthScore()).isEqualTo(80.0);
        assertThat(at80.healthBand()).isEqualTo("High");
        // 100 x (0.4 + 0.3 x 0.333 + 0.2 + 0.1) = 79.99
        CustomerEvaluation at7999 = evaluate(maxedOutExceptContacts(333, 1000));
        assertThat(at7999.healthScore()).isEqualTo(79.99);
        assertThat(at7999.healthBand()).isEqualTo("Medium");
    }

    @Test
    void fiftyIsMediumAndFortyNineNinetyNineIsLow() {
        // 100 x (0.4 + 0.3 x 72/300 + 0 + 0.1 x 0.28) = 40 + 7.2 + 2.8 = 50.00
        CustomerEvaluation at50 = evaluate(smallAndQuietExceptContacts(72, 300));
        assertThat(at50.healthScore()).isEqualTo(50.0);
        assertThat(at50.healthBand()).isEqualTo("Medium");
        // 100 x (0.4 + 0.3 x 719/3000 + 0 + 0.1 x 0.28) = 40 + 7.19 + 2.8 = 49.99
        CustomerEvaluation at4999 = evaluate(smallAndQuietExceptContacts(719, 3000));
        assertThat(at4999.healthScore()).isEqualTo(49.99);
        assertThat(at4999.healthBand()).isEqualTo("Low");
    }

    @Test
    void everyInputIsClippedToItsRange() {
        Account a = account("outlier.example");
        a.setSizeSegment("Enterprise");
        a.setDaysSinceLastActivity(200);  // beyond 117 days: recency 0, not negative
        a.setActivities30d(1_000);        // beyond 480: volume 1
        a.setContactsWithEmail(12);       // more with email than contacts (bad data): ratio 1
        a.setTotalContacts(10);
        a.setAnnualRevenue(2e10);         // above the population's max: 1
        a.setTotalWonAmount(2e9);         // above the population's max: 1
        a.setEmployees(80_000);           // above the population's max: 1
        HealthScore d = dimensions(a);
        assertThat(d.getActivity()).isEqualTo(0.5);
        assertThat(d.getContactQuality()).isEqualTo(1.0);
        assertThat(d.getCommercialValue()).isEqualTo(1.0);
        assertThat(d.getScale()).isEqualTo(1.0);
        // 100 x (0.4 x 0.5 + 0.3 + 0.2 + 0.1) = 80.00
        assertThat(evaluate(a).healthScore()).isEqualTo(80.0);

        a.setDaysSinceLastActivity(-3);   // a clock skew: recency 1, not above
        a.setActivities30d(480);
        assertThat(evaluate(a).healthScore()).isEqualTo(100.0);
    }

    @Test
    void aPopulationWithoutSpreadGivesZeroNotNaN() {
        Population flat = population();
        flat.setAnnualRevenueMin(5e8);
        flat.setAnnualRevenueMax(5e8);
        flat.setTotalWonMax(0);
        flat.setEmployeesMin(100);
        flat.setEmployeesMax(100);
        Account a = account("only.example");
        HealthScore d = HealthScoreCalculator.compute(a, flat, shippedEngine().parameters());
        assertThat(d.getCommercialValue()).isZero();
        // scale = 0.7 x 0.6 + 0.3 x 0 (no employee range)
        assertThat(d.getScale()).isCloseTo(0.42, within(1e-9));
        CustomerEvaluation e = shippedEngine().evaluate(a, profile(a.getCustomerId()), flat, AS_OF);
        assertThat(e.healthScore()).isBetween(0.0, 100.0);
    }

    @Test
    void anUnknownSizeSegmentScoresZeroOnSegment() {
        Account a = account("odd.example");
        a.setSizeSegment("Conglomerate");
        Account known = account("mid.example");
        // the Mid-Market segment score 0.6 counts 0.7 x 0.6 x 0.1 x 100 = 4.2 points
        assertThat(evaluate(known).healthScore() - evaluate(a).healthScore()).isCloseTo(4.2, within(0.011));
    }
}

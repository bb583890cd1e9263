package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodFeaturesTest {
    private static CustomerProfile profile(String tier, String risk, String velocity) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerTier(tier);
        p.setActivityRiskLevel(risk);
        p.setEngagementVelocity(velocity);
        return p;
    }

    @Test
    void aCustomerCanBeClassifiedWithAnAccountAndAProfileOfTierRiskAndVelocity() {
        PeriodFeatures f = new PeriodFeatures();
        assertThat(f.isComplete()).isFalse();
        f.account = new Account();
        assertThat(f.isComplete()).as("no profile").isFalse();
        f.profile = profile("Gold", "Low", null);
        assertThat(f.isComplete()).as("a profile without its velocity").isFalse();
        f.profile = profile("Gold", "Low", "Stable");
        assertThat(f.isComplete()).isTrue();
        f.account = null;
        assertThat(f.isComplete()).as("no account").isFalse();
    }
}

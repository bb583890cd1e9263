package io.pulse.model;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Consumer;

import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;

class RecommendationTest {
    private static Recommendation written() {
        return recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1);
    }

    private static Recommendation changed(Consumer<Recommendation> change) {
        Recommendation r = written();
        change.accept(r);
        return r;
    }

    @Test
    void theDigestIsEqualForEqualContentWhateverItsTimeDueTimeOrPack() {
        Recommendation later = changed(r -> {
            r.setValidAsOf(r.getValidAsOf() + 86_400_000L);
            r.setDueAt(r.getDueAt() + 86_400_000L);
            r.setRulesetVersion("v2");
        });
        assertThat(later.digest()).hasSize(16).isEqualTo(written().digest());
        assertThat(later.sameRecommendationAs(written().fingerprint())).isTrue();
    }

    @Test
    void theDigestDiffersWhenAnythingACsmSeesChanges() {
        byte[] written = written().digest();
        assertThat(changed(r -> r.setReasons(r.getReasons().replace("High value", "Low value"))).digest())
                .isNotEqualTo(written);
        assertThat(changed(r -> r.setPriority(2)).digest()).isNotEqualTo(written);
        assertThat(changed(r -> r.setPlaybook(null)).digest()).isNotEqualTo(written);
        assertThat(changed(r -> r.setIndustry("Retail")).digest()).isNotEqualTo(written);
        assertThat(changed(r -> r.setPipelineStatus(Recommendation.SUPERSEDED)).digest()).isNotEqualTo(written);
        // Fields are delimited: moving text from one field to the next is a change too.
        assertThat(changed(r -> { r.setValueTier("HighHigh"); r.setRiskTier(""); }).digest())
                .isNotEqualTo(changed(r -> { r.setValueTier("High"); r.setRiskTier("High"); }).digest());
    }

    @Test
    void theDigestIsSha256OverLengthPrefixedFieldsAsKeptInSavepoints() throws Exception {
        Recommendation r = changed(x -> x.setIndustry(null));
        // Made the way the fingerprints in existing savepoints were made: a change here re-writes every open row once.
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (String field : new String[] {r.getCustomerId(), r.getAction(), r.getFamily(), r.getValueTier(),
                r.getRiskTier(), r.getHealthBand(), r.getIndustry(), r.getSizeSegment(), r.getPlaybook(),
                r.getReasons(), r.getCohorts(), r.getPipelineStatus()}) {
            if (field == null) {
                sha256.update((byte) 0);
            } else {
                byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
                sha256.update((byte) 1);
                sha256.update(ByteBuffer.allocate(4).putInt(utf8.length).array());
                sha256.update(utf8);
            }
        }
        sha256.update(ByteBuffer.allocate(4).putInt(r.getPriority()).array());
        assertThat(r.digest()).isEqualTo(Arrays.copyOf(sha256.digest(), 16));
        assertThat(r.digest()).as("the same again: the per-thread digest starts afresh").isEqualTo(r.digest());
    }

    @Test
    void anAccountOwnerIsPartOfTheRecommendationAndNoOwnerDigestsAsBeforeOwners() {
        Recommendation.Fingerprint unowned = written().fingerprint();
        Recommendation owned = changed(r -> r.setOwner("dana@cs.example"));
        assertThat(owned.sameRecommendationAs(unowned)).as("an owner named").isFalse();
        assertThat(changed(r -> r.setOwner("lee@cs.example")).sameRecommendationAs(owned.fingerprint()))
                .as("a reassigned account").isFalse();
        assertThat(changed(r -> r.setOwner("dana@cs.example")).sameRecommendationAs(owned.fingerprint())).isTrue();
    }

    @Test
    void scoreAndRevenueAreTheSameWithinWhatIsShown() {
        Recommendation.Fingerprint written = written().fingerprint();
        assertThat(changed(r -> r.setHealthScore(r.getHealthScore() + 0.004)).sameRecommendationAs(written)).isTrue();
        assertThat(changed(r -> r.setHealthScore(r.getHealthScore() + 0.006)).sameRecommendationAs(written)).isFalse();
        assertThat(changed(r -> r.setPredicted6mRevenue(50_000.4)).sameRecommendationAs(written)).isTrue();
        assertThat(changed(r -> r.setPredicted6mRevenue(50_000.6)).sameRecommendationAs(written)).isFalse();
        assertThat(written().sameRecommendationAs(null)).as("nothing written yet").isFalse();
    }

    @Test
    void aRetiredRecommendationIsItsKeyOnly() {
        Recommendation r = Recommendation.retired("acme.com", "URGENT_RETAIN", "v2", 1_000L);
        assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.SUPERSEDED);
        assertThat(r.getCustomerId()).isEqualTo("acme.com");
        assertThat(r.getAction()).isEqualTo("URGENT_RETAIN");
        assertThat(r.getRulesetVersion()).isEqualTo("v2");
        assertThat(r.getValidAsOf()).isEqualTo(1_000L);
        assertThat(r.getReasons()).isNull();
        assertThat(r.getPlaybook()).isNull();
        assertThat(r.getFamily()).isNull();
    }
}

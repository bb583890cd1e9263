package io.pulse.evaluation;

import io.pulse.testing.RulePackFixtures;
import io.pulse.model.Recommendation;
import io.pulse.model.Recommendation.Fingerprint;
import io.pulse.features.Observation;
import io.pulse.features.ObservationLog;
import io.pulse.features.PeriodFeatures;
import io.pulse.rules.engine.CustomerEvaluation;
import io.pulse.rules.engine.CustomerEvaluations;
import io.pulse.rules.engine.PreviousEvaluation;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.PreviousRiskTier;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static io.pulse.testing.QueueFixtures.recommendation;
import static io.pulse.testing.TestEvents.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvaluatorStateTest {
    private final EvaluatorState.Codec codec = EvaluatorState.Codec.of(t -> t.createSerializer(new SerializerConfigImpl()));

    @Test
    void aStateSurvivesPackingWithItsBandFingerprintsAndFeatures() throws Exception {
        EvaluatorState state = new EvaluatorState();
        state.setHealthBand("Medium");
        Recommendation retain = recommendation("acme.com", "URGENT_RETAIN", 1, 50_000.25, 1);
        Recommendation nurture = recommendation("acme.com", "VIP_NURTURE", 3, 1_000, 1);
        state.open().put(retain.getAction(), retain.fingerprint());
        state.open().put(nurture.getAction(), nurture.fingerprint());
        PeriodFeatures features = RulePackFixtures.features("acme.com", 86_399_999L);
        codec.setFeatures(state, features);

        byte[] packed = codec.encode(state);
        EvaluatorState back = codec.decode(packed);

        assertThat(back.healthBand()).isEqualTo("Medium");
        assertThat(back.open()).containsOnlyKeys("URGENT_RETAIN", "VIP_NURTURE");
        Fingerprint kept = back.open().get("URGENT_RETAIN");
        assertThat(kept.digest()).isEqualTo(retain.digest());
        assertThat(kept.healthScore()).isEqualTo(retain.getHealthScore());
        assertThat(kept.predicted6mRevenue()).isEqualTo(50_000.25);
        assertThat(retain.sameRecommendationAs(kept)).isTrue();
        assertThat(nurture.sameRecommendationAs(kept)).isFalse();
        assertThat(codec.features(back)).usingRecursiveComparison().isEqualTo(features);
        assertThat(codec.encode(back)).as("packing again gives the same bytes").isEqualTo(packed);
    }

    @Test
    void theValueTierSurvivesPackingAndAStatePackedBeforeItWasKeptHasNone() throws Exception {
        EvaluatorState state = new EvaluatorState();
        state.setHealthBand("High");
        state.setValueTier("Low");
        codec.setFeatures(state, RulePackFixtures.features("acme.com", 86_399_999L));
        byte[] packed = codec.encode(state);
        assertThat(codec.decode(packed).valueTier()).isEqualTo("Low");

        state.setValueTier(null);
        byte[] withoutTier = codec.encode(state);
        // What a version before it wrote: no value tier flag (1 byte), no risk tier flag (1), no opened
        // actions (4), no observation log (4), no score point (4).
        byte[] older = Arrays.copyOf(withoutTier, withoutTier.length - 14);
        EvaluatorState back = codec.decode(older);
        assertThat(back.valueTier()).isNull();
        assertThat(back.healthBand()).isEqualTo("High");
        assertThat(codec.features(back)).usingRecursiveComparison()
                .isEqualTo(RulePackFixtures.features("acme.com", 86_399_999L));
    }

    @Test
    void theRiskTierTheRunOfOtherIndicationsAndTheOpenedActionsSurvivePacking() throws Exception {
        EvaluatorState state = new EvaluatorState();
        state.classified(evaluation("High", "Medium", day(10)));
        state.opened("URGENT_RETAIN", day(3));
        codec.setFeatures(state, RulePackFixtures.features("acme.com", 86_399_999L));

        EvaluatorState back = codec.decode(codec.encode(state));
        PreviousEvaluation previous = back.previous(day(40));
        assertThat(previous.riskTier().getTier()).isEqualTo("High");
        assertThat(previous.riskTier().getDaysIndicatedLower()).isEqualTo(30);
        assertThat(previous.riskTier().getDaysIndicatedHigher()).isZero();
        assertThat(previous.actions()).singleElement().satisfies(a -> {
            assertThat(a.getAction()).isEqualTo("URGENT_RETAIN");
            assertThat(a.getDaysSinceOpened()).isEqualTo(37);
            assertThat(a.isOpen()).isFalse(); // opened, but no row of it is written as open
        });

        byte[] packed = codec.encode(state);
        byte[] beforeRiskDamping = Arrays.copyOf(packed, packed.length - (1 + 2 + 4 + 8 + 1) - (4 + 2 + 13 + 8) - 4 - 4);
        EvaluatorState older = codec.decode(beforeRiskDamping);
        assertThat(older.riskTier()).isNull();
        assertThat(older.previous(day(40)).actions()).isEmpty();
        assertThat(older.healthBand()).isEqualTo("Medium");
    }

    @Test
    void aScorePointIsMadeWhenTheScoreBandOrATierChangesAndTheLastOneSurvivesPacking() throws Exception {
        EvaluatorState state = new EvaluatorState();
        CustomerEvaluation first = CustomerEvaluations.of("acme.com", 61.25, "Medium", "High", "Low", day(1));
        assertThat(state.scorePoint(first)).as("the first evaluation").isNotNull()
                .satisfies(p -> assertThat(p.healthScore).isEqualTo(61.25));
        state.classified(first);

        EvaluatorState back = codec.decode(codec.encode(state));
        assertThat(back.scorePoint(CustomerEvaluations.of("acme.com", 61.25, "Medium", "High", "Low", day(2))))
                .as("the same classification a day later, after packing").isNull();
        assertThat(back.scorePoint(CustomerEvaluations.of("acme.com", 61.25, "Medium", "High", "Medium", day(3))))
                .as("another risk tier").isNotNull();
        back.classified(CustomerEvaluations.of("acme.com", 61.25, "Medium", "High", "Medium", day(3)));
        assertThat(back.scorePoint(CustomerEvaluations.of("acme.com", 61.24, "Medium", "High", "Medium", day(4))))
                .as("the score moved by 0.01").isNotNull()
                .satisfies(p -> assertThat(p.validAsOf).isEqualTo(day(4)));

        byte[] packed = codec.encode(state);
        EvaluatorState older = codec.decode(Arrays.copyOf(packed, packed.length - 4));
        assertThat(older.scorePoint(CustomerEvaluations.of("acme.com", 61.25, "Medium", "High", "Low", day(2))))
                .as("a state packed before score points were kept has written none").isNotNull();
    }

    @Test
    void theObservationLogSurvivesPackingAndTakesEachShippedRowOnce() throws Exception {
        EvaluatorState state = new EvaluatorState();
        ObservationLog shipped = new ObservationLog();
        shipped.addAll(List.of(new Observation("PRODUCT_USAGE", day(3), "u:1", new Object[] {"reports", null}),
                new Observation("PRODUCT_USAGE", day(4), "u:2", new Object[] {"exports", null})));
        state.observe(shipped.pack(), day(5));
        state.observe(shipped.pack(), day(5)); // the same rows again (a replayed period): kept once

        EvaluatorState back = codec.decode(codec.encode(state));
        assertThat(back.observationLog().rows()).extracting(Observation::id).containsExactly("u:1", "u:2");
        back.observe(new ObservationLog().pack(), day(200)); // 90 days on: the latest row of the source stays
        assertThat(codec.decode(codec.encode(back)).observationLog().rows()).extracting(Observation::id)
                .containsExactly("u:2");
    }

    @Test
    void theRunOfOtherIndicationsGoesOnStartsAgainInTheOtherDirectionAndEndsAtTheIndicatedTier() {
        EvaluatorState state = new EvaluatorState();
        assertThat(state.previous(day(0)).riskTier()).as("first evaluation").isNull();

        state.classified(evaluation("Medium", "Medium", day(0)));
        assertThat(state.previous(day(5)).riskTier().getDaysIndicatedLower()).as("no run").isZero();

        state.classified(evaluation("Medium", "Low", day(5))); // held at Medium: a lower run starts
        state.classified(evaluation("Medium", "Low", day(20))); // and goes on
        assertThat(state.previous(day(25)).riskTier().getDaysIndicatedLower()).isEqualTo(20);

        state.classified(evaluation("Medium", "High", day(25))); // held, the other way: a new run
        PreviousRiskTier higher = state.previous(day(30)).riskTier();
        assertThat(higher.getDaysIndicatedHigher()).isEqualTo(5);
        assertThat(higher.getDaysIndicatedLower()).isZero();

        state.classified(evaluation("High", "High", day(53))); // raised: the run ends
        PreviousRiskTier raised = state.previous(day(60)).riskTier();
        assertThat(raised.getTier()).isEqualTo("High");
        assertThat(raised.getDaysIndicatedHigher()).isZero();
        assertThat(raised.getDaysIndicatedLower()).isZero();
    }

    /** A Medium-band, Mid-value evaluation with the given risk tier and indicated risk tier. */
    private static CustomerEvaluation evaluation(String riskTier, String indicatedRiskTier, long asOf) {
        return CustomerEvaluations.of("acme.com", "Medium", "Mid", riskTier, indicatedRiskTier, asOf);
    }

    @Test
    void aNewCustomerHasNoBandNoRowsAndNoFeatures() throws Exception {
        EvaluatorState back = codec.decode(codec.encode(new EvaluatorState()));
        assertThat(back.healthBand()).isNull();
        assertThat(back.open()).isEmpty();
        assertThat(codec.features(back)).isNull();
    }

    @Test
    void oneCodecPacksOneCustomerAfterAnotherAndTheFeaturesShrink() throws Exception {
        PeriodFeatures first = RulePackFixtures.features("first.example", 1L);
        PeriodFeatures second = RulePackFixtures.features("second.example", 2L);
        second.account.setIndustry("Retail");
        EvaluatorState a = new EvaluatorState();
        EvaluatorState b = new EvaluatorState();
        codec.setFeatures(a, first);
        codec.setFeatures(b, second);

        assertThat(codec.features(codec.decode(codec.encode(b)))).usingRecursiveComparison().isEqualTo(second);
        assertThat(codec.features(codec.decode(codec.encode(a)))).usingRecursiveComparison().isEqualTo(first);
        EvaluatorState unpacked = new EvaluatorState();
        codec.setFeatures(unpacked, first);
        int compressed = codec.encode(unpacked).length;
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        TypeInformation.of(PeriodFeatures.class).createSerializer(new SerializerConfigImpl())
                .serialize(first, new DataOutputViewStreamWrapper(serialized));
        assertThat(compressed).as("compressed, with the rest of the state").isLessThan(serialized.size());
    }

    /**
     * The Flink-serialized bytes of {@link #pinnedFeatures()} that features layout
     * {@value EvaluatorState#FEATURES_LAYOUT} packs (before compression), as the serializer wrote
     * them when the layout was last raised.
     */
    private static final String PINNED_FEATURES = "period-features-layout-2.bin";
    /** The same features as layout 1 packed them, before accounts named their owner. */
    private static final String PINNED_FEATURES_WITHOUT_OWNER = "period-features-layout-1.bin";

    @Test
    void theFeaturesStillSerializeAsTheirLayoutPinned() throws Exception {
        DataOutputSerializer now = new DataOutputSerializer(1024);
        PeriodFeatures pinned = pinnedFeatures();
        pinned.observations = new byte[] {1, 2, 3}; // go to the log, never into the packed features
        EvaluatorState.Codec.keptFeatures(t -> t.createSerializer(new SerializerConfigImpl())).serialize(pinned, now);

        assertThat(now.getCopyOfBuffer())
                .as("PeriodFeatures or a fact in it changed its serialized fields, so the features packed in"
                        + " existing states (layout " + EvaluatorState.FEATURES_LAYOUT + ") would not read back."
                        + " Before a release holds such states: regenerate " + PINNED_FEATURES + " from the"
                        + " current serializer. After: raise EvaluatorState.FEATURES_LAYOUT, read the older layout"
                        + " with the serializer it was written with, and pin the new layout in a new resource")
                .isEqualTo(resource(PINNED_FEATURES));
    }

    @Test
    void featuresPackedBeforeAccountsNamedTheirOwnerStillReadBackWithoutOne() throws Exception {
        byte[] layout1 = resource(PINNED_FEATURES_WITHOUT_OWNER);
        byte[] compressed = LZ4Factory.fastestInstance().fastCompressor().compress(layout1);
        // A state as an older version packed it: no band, no open rows, then the features (layout 1,
        // the serialized length in 3 bytes, the LZ4 block), no tiers, no opened actions, no log.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeBoolean(false);
        out.writeInt(0);
        out.writeInt(4 + compressed.length);
        out.writeByte(EvaluatorState.FEATURES_LAYOUT_WITHOUT_OWNER);
        out.writeByte(layout1.length >>> 16);
        out.writeByte(layout1.length >>> 8);
        out.writeByte(layout1.length);
        out.write(compressed);
        out.writeBoolean(false);
        out.writeBoolean(false);
        out.writeInt(0);
        out.writeInt(-1);

        PeriodFeatures back = codec.features(codec.decode(bytes.toByteArray()));

        PeriodFeatures expected = pinnedFeatures();
        expected.account.setOwner(null);
        assertThat(back).usingRecursiveComparison().isEqualTo(expected);
        assertThat(back.account.getOwner()).isNull();
    }

    @Test
    void featuresOfALayoutItDoesNotKnowAreRefused() throws Exception {
        EvaluatorState state = new EvaluatorState();
        codec.setFeatures(state, pinnedFeatures());
        byte[] packed = codec.encode(state);
        // No band (1 byte), no open rows (4), the features' length (4): then the features' layout byte.
        assertThat(packed[9]).isEqualTo((byte) EvaluatorState.FEATURES_LAYOUT);
        packed[9] = (byte) (EvaluatorState.FEATURES_LAYOUT + 1);

        EvaluatorState unknown = codec.decode(packed);

        assertThatThrownBy(() -> codec.features(unknown)).isInstanceOf(IOException.class)
                .hasMessageContaining("of layout " + (EvaluatorState.FEATURES_LAYOUT + 1));
        packed[9] = 0; // the deflated layout of states no deployment holds
        EvaluatorState deflated = codec.decode(packed);
        assertThatThrownBy(() -> codec.features(deflated)).isInstanceOf(IOException.class)
                .hasMessageContaining("of layout 0");
    }

    @Test
    void corruptOrTruncatedFeaturesAreRefusedNotMisread() throws Exception {
        EvaluatorState state = new EvaluatorState();
        codec.setFeatures(state, pinnedFeatures());
        byte[] packed = codec.encode(state);

        // After the features come the value and risk tier flags (1 byte each), no opened actions (4),
        // no observation log (-1 in 4) and no score point (4): keep those, cut the features by 4 bytes.
        byte[] tail = Arrays.copyOfRange(packed, packed.length - 14, packed.length);
        byte[] truncated = Arrays.copyOf(packed, packed.length - 4);
        System.arraycopy(tail, 0, truncated, truncated.length - 14, 14);
        int featureBytes = truncated.length - 23; // after no band (1), no rows (4), the length (4); before the 14
        truncated[5] = (byte) (featureBytes >>> 24);
        truncated[6] = (byte) (featureBytes >>> 16);
        truncated[7] = (byte) (featureBytes >>> 8);
        truncated[8] = (byte) featureBytes;
        EvaluatorState cut = codec.decode(truncated);
        assertThatThrownBy(() -> codec.features(cut)).isInstanceOf(IOException.class)
                .hasMessageContaining("packed features of a customer are");

        byte[] corrupt = packed.clone();
        Arrays.fill(corrupt, 13, corrupt.length - 14, (byte) 0xff); // the LZ4 block after layout and length
        EvaluatorState garbled = codec.decode(corrupt);
        assertThatThrownBy(() -> codec.features(garbled)).isInstanceOf(IOException.class)
                .hasMessageContaining("packed features of a customer are");
    }

    /** Features with every fact present, as {@link #PINNED_FEATURES} holds them serialized. */
    private static PeriodFeatures pinnedFeatures() {
        PeriodFeatures f = new PeriodFeatures();
        f.customerId = "acme.com";
        f.asOf = 1_740_873_599_999L;
        f.account = new Account();
        f.account.setCustomerId("acme.com");
        f.account.setAccountName("Acme");
        f.account.setIndustry("Technology");
        f.account.setSizeSegment("Large");
        f.account.setEmployees(1_944);
        f.account.setAnnualRevenue(581_752_095.55);
        f.account.setDaysSinceLastActivity(9);
        f.account.setOwner("dana.doe@pulse-cs.example");
        f.profile = new CustomerProfile();
        f.profile.setCustomerId("acme.com");
        f.profile.setCustomerTier("Silver");
        f.profile.setActivityRiskLevel("High");
        f.profile.setEngagementVelocity("Declining");
        f.profile.setEstimatedLtv(8_339.14);
        f.support = new SupportActivity();
        f.support.setCustomerId("acme.com");
        f.support.setConversations30d(4);
        f.subscription = new Subscription();
        f.subscription.setCustomerId("acme.com");
        f.subscription.setPlanName("Growth");
        f.subscription.setSegment(Subscription.RENEWAL);
        f.planChange = new PlanChangeWindow();
        f.planChange.setCustomerId("acme.com");
        f.planChange.setDirection(PlanChangeWindow.DOWNGRADE);
        f.planChange.setPreAverageRating(3.5);
        return f;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(EvaluatorStateTest.class.getResourceAsStream(name))) {
            return in.readAllBytes();
        }
    }
}

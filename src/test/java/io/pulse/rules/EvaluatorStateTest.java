package io.pulse.rules;

import io.pulse.actions.Recommendation;
import io.pulse.actions.Recommendation.Fingerprint;
import io.pulse.features.CustomerFeatures;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;

class EvaluatorStateTest {
    private final EvaluatorState.Codec codec = new EvaluatorState.Codec(
            TypeInformation.of(CustomerFeatures.class).createSerializer(new SerializerConfigImpl()));

    @AfterEach
    void close() {
        codec.close();
    }

    @Test
    void aStateSurvivesPackingWithItsBandFingerprintsAndFeatures() throws Exception {
        EvaluatorState state = new EvaluatorState();
        state.setHealthBand("Medium");
        Recommendation retain = recommendation("acme.com", "URGENT_RETAIN", 1, 50_000.25, 1);
        Recommendation nurture = recommendation("acme.com", "VIP_NURTURE", 3, 1_000, 1);
        state.open().put(retain.getAction(), retain.fingerprint());
        state.open().put(nurture.getAction(), nurture.fingerprint());
        CustomerFeatures features = RulePackFixtures.features("acme.com", 86_399_999L);
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
    void aNewCustomerHasNoBandNoRowsAndNoFeatures() throws Exception {
        EvaluatorState back = codec.decode(codec.encode(new EvaluatorState()));
        assertThat(back.healthBand()).isNull();
        assertThat(back.open()).isEmpty();
        assertThat(codec.features(back)).isNull();
    }

    @Test
    void oneCodecPacksOneCustomerAfterAnotherAndTheFeaturesShrink() throws Exception {
        CustomerFeatures first = RulePackFixtures.features("first.example", 1L);
        CustomerFeatures second = RulePackFixtures.features("second.example", 2L);
        second.account.setIndustry("Retail");
        EvaluatorState a = new EvaluatorState();
        EvaluatorState b = new EvaluatorState();
        codec.setFeatures(a, first);
        codec.setFeatures(b, second);

        assertThat(codec.features(codec.decode(codec.encode(b)))).usingRecursiveComparison().isEqualTo(second);
        assertThat(codec.features(codec.decode(codec.encode(a)))).usingRecursiveComparison().isEqualTo(first);
        EvaluatorState unpacked = new EvaluatorState();
        codec.setFeatures(unpacked, first);
        int deflated = codec.encode(unpacked).length;
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        TypeInformation.of(CustomerFeatures.class).createSerializer(new SerializerConfigImpl())
                .serialize(first, new DataOutputViewStreamWrapper(serialized));
        assertThat(deflated).as("deflated, with the rest of the state").isLessThan(serialized.size());
    }
}

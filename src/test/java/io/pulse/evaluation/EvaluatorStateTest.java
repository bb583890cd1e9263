package io.pulse.evaluation;

import io.pulse.testing.RulePackFixtures;
import io.pulse.model.Recommendation;
import io.pulse.model.Recommendation.Fingerprint;
import io.pulse.features.PeriodFeatures;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.Inflater;

import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvaluatorStateTest {
    private final EvaluatorState.Codec codec = new EvaluatorState.Codec(
            TypeInformation.of(PeriodFeatures.class).createSerializer(new SerializerConfigImpl()));

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
     * One customer's state as {@code c30a6d9} packed it, before the features' layout byte: band
     * Medium, one fingerprint, and {@link #layout0Features()}.
     */
    private static final String PACKED_BEFORE_LAYOUT_BYTE = "evaluated-features-layout-0.bin";

    @Test
    void aStatePackedBeforeTheLayoutByteReadsAsLayout0() throws Exception {
        byte[] packed = resource(PACKED_BEFORE_LAYOUT_BYTE);

        EvaluatorState back = codec.decode(packed);

        assertThat(back.healthBand()).isEqualTo("Medium");
        assertThat(back.open()).containsOnlyKeys("URGENT_RETAIN");
        assertThat(back.open().get("URGENT_RETAIN").predicted6mRevenue()).isEqualTo(50_000.25);
        assertThat(codec.features(back)).usingRecursiveComparison().isEqualTo(layout0Features());
        assertThat(codec.encode(back)).as("packed again, unchanged").isEqualTo(packed);
    }

    @Test
    void theFeaturesStillSerializeAsInLayout0() throws Exception {
        DataOutputSerializer now = new DataOutputSerializer(1024);
        TypeInformation.of(PeriodFeatures.class).createSerializer(new SerializerConfigImpl())
                .serialize(layout0Features(), now);

        assertThat(now.getCopyOfBuffer())
                .as("PeriodFeatures or a fact in it changed its serialized fields, so states packed with features"
                        + " layouts 0 and 1 would not read back: raise EvaluatorState.FEATURES_LAYOUT, and read"
                        + " those with the serializer they were written with")
                .isEqualTo(serializedFeatures(resource(PACKED_BEFORE_LAYOUT_BYTE)));
    }

    @Test
    void featuresOfALayoutItDoesNotKnowAreRefused() throws Exception {
        EvaluatorState state = new EvaluatorState();
        codec.setFeatures(state, layout0Features());
        byte[] packed = codec.encode(state);
        // No band (1 byte), no open rows (4), the features' length (4): then the features' layout byte.
        assertThat(packed[9]).isEqualTo((byte) EvaluatorState.FEATURES_LAYOUT);
        packed[9] = (byte) (EvaluatorState.FEATURES_LAYOUT + 1);

        EvaluatorState unknown = codec.decode(packed);

        assertThatThrownBy(() -> codec.features(unknown)).isInstanceOf(IOException.class)
                .hasMessageContaining("of layout " + (EvaluatorState.FEATURES_LAYOUT + 1));
    }

    @Test
    void aLayout0StateIsPackedAgainAsLZ4OnItsNextEvaluation() throws Exception {
        EvaluatorState back = codec.decode(resource(PACKED_BEFORE_LAYOUT_BYTE));

        codec.setFeatures(back, codec.features(back));
        byte[] packed = codec.encode(back);

        // Band "Medium" (1 + 2 + 6 bytes), one row (4 + 2 + 13 + 16 + 8 + 8), the features' length (4).
        assertThat(packed[64]).as("layout").isEqualTo((byte) EvaluatorState.FEATURES_LAYOUT);
        assertThat(codec.features(codec.decode(packed))).usingRecursiveComparison().isEqualTo(layout0Features());
    }

    @Test
    void corruptOrTruncatedFeaturesAreRefusedNotMisread() throws Exception {
        EvaluatorState state = new EvaluatorState();
        codec.setFeatures(state, layout0Features());
        byte[] packed = codec.encode(state);

        byte[] truncated = Arrays.copyOf(packed, packed.length - 5);
        int featureBytes = truncated.length - 9; // after no band (1), no rows (4), the length (4)
        truncated[5] = (byte) (featureBytes >>> 24);
        truncated[6] = (byte) (featureBytes >>> 16);
        truncated[7] = (byte) (featureBytes >>> 8);
        truncated[8] = (byte) featureBytes;
        EvaluatorState cut = codec.decode(truncated);
        assertThatThrownBy(() -> codec.features(cut)).isInstanceOf(IOException.class)
                .hasMessageContaining("packed features of a customer are");

        byte[] corrupt = packed.clone();
        Arrays.fill(corrupt, 13, corrupt.length, (byte) 0xff); // the LZ4 block after layout and length
        EvaluatorState garbled = codec.decode(corrupt);
        assertThatThrownBy(() -> codec.features(garbled)).isInstanceOf(IOException.class)
                .hasMessageContaining("packed features of a customer are");
    }

    /** Features with every fact present, as the resource holds them. */
    private static PeriodFeatures layout0Features() {
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

    /** The serialized features in a packed state, read by hand: past the band and rows, then inflated. */
    private static byte[] serializedFeatures(byte[] packedState) throws Exception {
        DataInputDeserializer in = new DataInputDeserializer(packedState);
        if (in.readBoolean()) {
            in.readUTF();
        }
        for (int rows = in.readInt(); rows > 0; rows--) {
            in.readUTF();
            in.skipBytesToRead(16 + 8 + 8); // digest, score, revenue
        }
        byte[] features = new byte[in.readInt()];
        in.readFully(features);
        assertThat(features[0]).as("layout").isZero();
        int length = (features[1] & 0xff) << 16 | (features[2] & 0xff) << 8 | features[3] & 0xff;
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(features, 4, features.length - 4);
            byte[] serialized = new byte[length];
            int size = inflater.inflate(serialized);
            assertThat(inflater.finished()).isTrue();
            return Arrays.copyOf(serialized, size);
        } finally {
            inflater.end();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(EvaluatorStateTest.class.getResourceAsStream(name))) {
            return in.readAllBytes();
        }
    }
}

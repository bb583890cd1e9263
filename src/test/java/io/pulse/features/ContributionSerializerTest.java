package io.pulse.features;

import io.pulse.features.PopulationAggregator.Contribution;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class ContributionSerializerTest {
    private static final ContributionSerializer SERIALIZER = ContributionSerializer.INSTANCE;

    private static Contribution withAccountAndProfile() {
        Contribution c = new Contribution();
        c.customerId = "cust-000042";
        c.hasAccount = true;
        c.annualRevenue = 2.5e6;
        c.totalWon = -0.0;
        c.employees = 310;
        c.tier = "Gold";
        c.ltvCents = 12_345_678;
        c.hasEngagement = true;
        c.engagementMicros = -7;
        return c;
    }

    private static Contribution roundTrip(Contribution c) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(c, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        Contribution read = SERIALIZER.deserialize(in);
        assertThat(in.available()).isZero();
        return read;
    }

    @Test
    void everyFieldSurvivesARoundTrip() throws IOException {
        Contribution c = withAccountAndProfile();
        assertThat(roundTrip(c)).usingRecursiveComparison().isEqualTo(c);
    }

    @Test
    void aCustomerWithoutAccountOrProfileSurvivesARoundTrip() throws IOException {
        Contribution bare = new Contribution();
        bare.customerId = "cust-000001";
        Contribution read = roundTrip(bare);
        assertThat(read).usingRecursiveComparison().isEqualTo(bare);
        assertThat(read.tier).isNull();
        assertThat(read.hasAccount).isFalse();
        assertThat(read.hasEngagement).isFalse();
    }

    @Test
    void aCopyIsTheSameContributionSoACheckpointCopiesNoContributions() {
        Contribution c = withAccountAndProfile();
        assertThat(SERIALIZER.isImmutableType()).isTrue();
        assertThat(SERIALIZER.copy(c)).isSameAs(c);
        assertThat(SERIALIZER.copy(c, new Contribution())).isSameAs(c);
    }

    @Test
    void stateItWroteIsReadAsIs() {
        var snapshot = SERIALIZER.snapshotConfiguration();
        assertThat(snapshot.resolveSchemaCompatibility(SERIALIZER.snapshotConfiguration()).isCompatibleAsIs()).isTrue();
    }

    @Test
    void aRecordIsCopiedBetweenStreamsWholeAndReadIntoAReuseObjectAsAFreshOne() throws IOException {
        Contribution c = withAccountAndProfile();
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(c, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        SERIALIZER.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        Contribution reuse = new Contribution();
        assertThat(SERIALIZER.deserialize(reuse, new DataInputDeserializer(out.getCopyOfBuffer())))
                .usingRecursiveComparison().isEqualTo(c);
        assertThat(SERIALIZER.createInstance()).isNotNull().usingRecursiveComparison().isEqualTo(new Contribution());
        assertThat(SERIALIZER.getLength()).as("variable length").isEqualTo(-1);
    }
}

package io.pulse.features;

import io.pulse.features.PopulationAggregator.Contribution;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The state serializer of a {@link Contribution}, which is never changed once made: a copy is the
 * same object. Why: the population task keeps every contribution in one heap map, which the first
 * change during a checkpoint copies whole, on the task every live evaluation waits for; a copy of
 * references keeps that short (see BENCHMARKS.md, Event-to-action latency).
 */
public final class ContributionSerializer extends TypeSerializerSingleton<Contribution> {
    public static final ContributionSerializer INSTANCE = new ContributionSerializer();

    private static final int HAS_ACCOUNT = 1;
    private static final int HAS_ENGAGEMENT = 2;

    private ContributionSerializer() {}

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Contribution createInstance() {
        return new Contribution();
    }

    @Override
    public Contribution copy(Contribution from) {
        return from;
    }

    @Override
    public Contribution copy(Contribution from, Contribution reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Contribution c, DataOutputView target) throws IOException {
        StringSerializer.INSTANCE.serialize(c.customerId, target);
        target.writeByte((c.hasAccount ? HAS_ACCOUNT : 0) | (c.hasEngagement ? HAS_ENGAGEMENT : 0));
        target.writeDouble(c.annualRevenue);
        target.writeDouble(c.totalWon);
        target.writeDouble(c.employees);
        StringSerializer.INSTANCE.serialize(c.tier, target);
        target.writeLong(c.ltvCents);
        target.writeLong(c.engagementMicros);
    }

    @Override
    public Contribution deserialize(DataInputView source) throws IOException {
        Contribution c = new Contribution();
        c.customerId = StringSerializer.INSTANCE.deserialize(source);
        int flags = source.readByte();
        c.hasAccount = (flags & HAS_ACCOUNT) != 0;
        c.hasEngagement = (flags & HAS_ENGAGEMENT) != 0;
        c.annualRevenue = source.readDouble();
        c.totalWon = source.readDouble();
        c.employees = source.readDouble();
        c.tier = StringSerializer.INSTANCE.deserialize(source);
        c.ltvCents = source.readLong();
        c.engagementMicros = source.readLong();
        return c;
    }

    @Override
    public Contribution deserialize(Contribution reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<Contribution> snapshotConfiguration() {
        return new Snapshot();
    }

    /** This serializer's snapshot: checkpoints name this class, so it keeps its name. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Contribution> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

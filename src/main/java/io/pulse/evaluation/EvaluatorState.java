package io.pulse.evaluation;

import io.pulse.model.Recommendation.Fingerprint;
import io.pulse.model.ScorePoint;
import io.pulse.features.PeriodFeatures;
import io.pulse.rules.facts.Account;
import io.pulse.features.ObservationLog;
import io.pulse.rules.engine.CustomerEvaluation;
import io.pulse.rules.engine.PreviousEvaluation;
import io.pulse.rules.facts.PreviousAction;
import io.pulse.rules.facts.PreviousRiskTier;
import io.pulse.rules.facts.RiskTier;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the rule evaluator keeps of one customer, packed by {@link Codec} into the one byte array of
 * {@link RuleEvaluationFunction#EVALUATED}: the health band, value tier and risk tier of the last
 * evaluation, since when the inputs have indicated another risk, and when each action last opened
 * (what the rules damp flapping with: {@link #previous}), the observation log declared features are
 * computed from ({@link #observationLog}), a {@link Fingerprint} of each
 * recommendation written as open, by action (enough for "changed since written?"), and the
 * features of the last evaluation, serialized and
 * compressed (what a rule reload re-scores), and the score of the last score point written. Packed because it is kept for every customer (see
 * BENCHMARKS.md, "State per customer: heap and RocksDB").
 *
 * <p>The packed features are Flink-serialized bytes, with no serializer snapshot beside them: a
 * change to the fields of {@link PeriodFeatures} or of a fact in it changes what they must be read
 * with. So they start with their layout's version ({@link #FEATURES_LAYOUT}), then the serialized
 * length in 3 bytes, then the compressed bytes, an LZ4 block: packed at every evaluation, so the
 * compression is the cheapest one (see BENCHMARKS.md, "Parts of the job, one thread"). This
 * version writes layout 2 (the account names its owner) and reads layouts 2 and 1 (the account
 * without an owner, read with the serializer it was written with); it refuses any other layout
 * rather than misread it. A change to the features' fields raises the layout and reads the older
 * ones the same way ({@code EvaluatorStateTest} pins the serialized fields of each).
 */
public final class EvaluatorState {
    private static final int DIGEST_BYTES = 16;
    /** The layout of the packed features this version writes: the first byte of {@link #features}. */
    static final int FEATURES_LAYOUT = 2;
    /** The layout before accounts named their owner: still read, never written. */
    static final int FEATURES_LAYOUT_WITHOUT_OWNER = 1;
    /** The serialized length is kept in 3 bytes, after the layout byte. */
    private static final int MAX_SERIALIZED_FEATURES = (1 << 24) - 1;

    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final long NEVER = Long.MIN_VALUE;

    private String healthBand;
    private String valueTier;
    private String riskTier;
    /**
     * The first evaluation (its asOf) of the unbroken run of evaluations that indicated another risk
     * than {@link #riskTier}, all higher or all lower ({@link #otherRiskHigher}); NEVER: none.
     */
    private long otherRiskIndicatedSince = NEVER;
    private boolean otherRiskHigher;
    /** Action -> when (asOf) it last opened. */
    private final TreeMap<String, Long> lastOpened = new TreeMap<>();
    /** The customer's observation log, packed: what declared features are computed from; null: none yet. */
    private byte[] observations;
    /** {@link #observations} unpacked, once read. */
    private ObservationLog log;
    private final TreeMap<String, Fingerprint> open = new TreeMap<>();
    /** The latest features as {@link Codec#setFeatures} packed them; null before the first evaluation. */
    private byte[] features;
    /** The health score of the customer's last score point, in hundredths; {@link #NO_POINT} before the first. */
    private int pointScore = NO_POINT;
    private static final int NO_POINT = Integer.MIN_VALUE;

    public String healthBand() {
        return healthBand;
    }

    public void setHealthBand(String healthBand) {
        this.healthBand = healthBand;
    }

    /** The value tier of the last evaluation (the value-tier rules damp flapping with it); null before. */
    public String valueTier() {
        return valueTier;
    }

    public void setValueTier(String valueTier) {
        this.valueTier = valueTier;
    }

    public String riskTier() {
        return riskTier;
    }

    /**
     * What the rules are told of this customer's previous evaluations, as of {@code asOf}: the days
     * a higher (or lower) risk has been indicated count this evaluation in, 0 when such a run would
     * start now.
     */
    public PreviousEvaluation previous(long asOf) {
        long runDays = otherRiskIndicatedSince == NEVER ? 0 : Math.max(0, (asOf - otherRiskIndicatedSince) / DAY_MS);
        PreviousRiskTier risk = riskTier == null ? null : new PreviousRiskTier(riskTier,
                otherRiskHigher ? runDays : 0, otherRiskHigher ? 0 : runDays);
        List<PreviousAction> actions = new ArrayList<>(lastOpened.size());
        for (Map.Entry<String, Long> e : lastOpened.entrySet()) {
            actions.add(new PreviousAction(e.getKey(), Math.max(0, (asOf - e.getValue()) / DAY_MS),
                    open.containsKey(e.getKey())));
        }
        return new PreviousEvaluation(healthBand, valueTier, risk, actions);
    }

    /**
     * Keeps what {@code evaluation} came out with for the next one: the band and tiers, and whether
     * the run of evaluations indicating another risk than the tier held goes on (same direction),
     * starts (a new one) or ends (the tier is the one indicated).
     */
    public void classified(CustomerEvaluation evaluation) {
        healthBand = evaluation.healthBand();
        valueTier = evaluation.valueTier();
        riskTier = evaluation.riskTier();
        int indicated = RiskTier.rank(evaluation.indicatedRiskTier());
        int held = RiskTier.rank(riskTier);
        if (indicated == held) {
            otherRiskIndicatedSince = NEVER;
        } else if (otherRiskIndicatedSince == NEVER || otherRiskHigher != indicated > held) {
            otherRiskIndicatedSince = evaluation.asOf();
            otherRiskHigher = indicated > held;
        }
    }

    /**
     * The score point of {@code evaluation} when it differs from the customer's last one in score, band
     * or a tier (else null), taken as the last one. Called before {@link #classified}, whose band and
     * tiers are the last point's: every change of them makes a point.
     */
    public ScorePoint scorePoint(CustomerEvaluation evaluation) {
        int score = (int) Math.round(evaluation.healthScore() * 100);
        if (score == pointScore && evaluation.healthBand().equals(healthBand)
                && evaluation.valueTier().equals(valueTier) && evaluation.riskTier().equals(riskTier)) {
            return null;
        }
        pointScore = score;
        return new ScorePoint(evaluation.customerId(), evaluation.asOf(), evaluation.healthScore(),
                evaluation.healthBand(), evaluation.valueTier(), evaluation.riskTier(), evaluation.predicted6mRevenue(),
                evaluation.rulesetVersion(), evaluation.scoreInputs() == null ? null : evaluation.scoreInputs().points());
    }

    /** Adds the observations that came with a customer's features (packed) to its log, keeping what the log keeps as of {@code asOf}. */
    public void observe(byte[] shipped, long asOf) {
        ObservationLog log = observationLog();
        log.addAll(ObservationLog.unpack(shipped).rows());
        log.evict(asOf);
        observations = log.pack();
    }

    /** The customer's observation log (empty before its first observation); changes go through {@link #observe}. */
    public ObservationLog observationLog() {
        if (log == null) {
            log = observations == null ? new ObservationLog() : ObservationLog.unpack(observations);
        }
        return log;
    }

    /** {@code action} opened (became recommended from not) as of {@code asOf}. */
    public void opened(String action, long asOf) {
        lastOpened.put(action, asOf);
    }

    /** The recommendations written as open, by action, in action order; changed in place. */
    public Map<String, Fingerprint> open() {
        return open;
    }

    /**
     * Packs and unpacks the state with the job's serializer of {@link PeriodFeatures} and LZ4 (the
     * fastest implementation the platform has: native, else Java): one codec per task, not
     * thread-safe (it reuses its buffers).
     */
    public static final class Codec {
        private final TypeSerializer<PeriodFeatures> serializer;
        private final TypeSerializer<PeriodFeatures> withoutOwner;
        private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
        private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();
        private final DataOutputSerializer out = new DataOutputSerializer(1024);
        private final DataInputDeserializer in = new DataInputDeserializer();
        private byte[] compressed = new byte[1024];
        private byte[] serialized = new byte[1024];

        /**
         * The serializer of the features kept for a re-score: every field of {@link PeriodFeatures} but
         * its observations, which go to the log. So the packed features keep the layout they had
         * before observations existed ({@code EvaluatorStateTest} pins it).
         *
         * @param serializers the job's serializer of each field's type
         */
        public static TypeSerializer<PeriodFeatures> keptFeatures(Function<TypeInformation<?>, TypeSerializer<?>> serializers) {
            return keptFeatures(serializers, false);
        }

        /** {@link #keptFeatures} as layout 1 wrote them: the account without its owner. */
        public static TypeSerializer<PeriodFeatures> keptFeaturesWithoutOwner(
                Function<TypeInformation<?>, TypeSerializer<?>> serializers) {
            return keptFeatures(serializers, true);
        }

        private static TypeSerializer<PeriodFeatures> keptFeatures(Function<TypeInformation<?>, TypeSerializer<?>> serializers,
                                                                   boolean withoutOwner) {
            PojoTypeInfo<PeriodFeatures> info = pojo(PeriodFeatures.class);
            List<Field> fields = new ArrayList<>();
            List<TypeSerializer<?>> fieldSerializers = new ArrayList<>();
            for (int i = 0; i < info.getArity(); i++) {
                PojoField f = info.getPojoFieldAt(i);
                if (f.getField().getName().equals("observations")) {
                    continue;
                }
                fields.add(f.getField());
                fieldSerializers.add(withoutOwner && f.getField().getType() == Account.class
                        ? pojoWithout(Account.class, "owner", serializers) : serializers.apply(f.getTypeInformation()));
            }
            return new PojoSerializer<>(PeriodFeatures.class, fieldSerializers.toArray(TypeSerializer[]::new),
                    fields.toArray(Field[]::new), new SerializerConfigImpl());
        }

        /** The serializer of a POJO without one of its fields, which it reads as null. */
        private static <T> TypeSerializer<T> pojoWithout(Class<T> type, String field,
                                                         Function<TypeInformation<?>, TypeSerializer<?>> serializers) {
            PojoTypeInfo<T> info = pojo(type);
            List<Field> fields = new ArrayList<>();
            List<TypeSerializer<?>> fieldSerializers = new ArrayList<>();
            for (int i = 0; i < info.getArity(); i++) {
                PojoField f = info.getPojoFieldAt(i);
                if (!f.getField().getName().equals(field)) {
                    fields.add(f.getField());
                    fieldSerializers.add(serializers.apply(f.getTypeInformation()));
                }
            }
            return new PojoSerializer<>(type, fieldSerializers.toArray(TypeSerializer[]::new),
                    fields.toArray(Field[]::new), new SerializerConfigImpl());
        }

        @SuppressWarnings("unchecked")
        private static <T> PojoTypeInfo<T> pojo(Class<T> type) {
            return (PojoTypeInfo<T>) TypeInformation.of(type);
        }

        /** The codec of the job's serializers ({@code getRuntimeContext()::createSerializer}). */
        public static Codec of(Function<TypeInformation<?>, TypeSerializer<?>> serializers) {
            return new Codec(keptFeatures(serializers), keptFeaturesWithoutOwner(serializers));
        }

        public Codec(TypeSerializer<PeriodFeatures> serializer, TypeSerializer<PeriodFeatures> withoutOwner) {
            this.serializer = serializer;
            this.withoutOwner = withoutOwner;
        }

        public byte[] encode(EvaluatorState state) throws IOException {
            out.clear();
            out.writeBoolean(state.healthBand != null);
            if (state.healthBand != null) {
                out.writeUTF(state.healthBand);
            }
            out.writeInt(state.open.size());
            for (Map.Entry<String, Fingerprint> e : state.open.entrySet()) {
                out.writeUTF(e.getKey());
                out.write(e.getValue().digest());
                out.writeDouble(e.getValue().healthScore());
                out.writeDouble(e.getValue().predicted6mRevenue());
            }
            int featureBytes = state.features == null ? -1 : state.features.length;
            out.writeInt(featureBytes);
            if (featureBytes > 0) {
                out.write(state.features);
            }
            // Last: a state written before the value tier was kept ends here, and reads as none.
            out.writeBoolean(state.valueTier != null);
            if (state.valueTier != null) {
                out.writeUTF(state.valueTier);
            }
            // Then what the risk tier and action damping keep: an older state ends before, and reads as none.
            out.writeBoolean(state.riskTier != null);
            if (state.riskTier != null) {
                out.writeUTF(state.riskTier);
                out.writeLong(state.otherRiskIndicatedSince);
                out.writeBoolean(state.otherRiskHigher);
            }
            out.writeInt(state.lastOpened.size());
            for (Map.Entry<String, Long> e : state.lastOpened.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            // Then the observation log: an older state ends before, and has none.
            out.writeInt(state.observations == null ? -1 : state.observations.length);
            if (state.observations != null) {
                out.write(state.observations);
            }
            // Then the score of the last score point: an older state ends before, and has written none.
            out.writeInt(state.pointScore);
            return out.getCopyOfBuffer();
        }

        public EvaluatorState decode(byte[] packed) throws IOException {
            EvaluatorState state = new EvaluatorState();
            in.setBuffer(packed);
            if (in.readBoolean()) {
                state.healthBand = in.readUTF();
            }
            for (int i = in.readInt(); i > 0; i--) {
                String action = in.readUTF();
                byte[] digest = new byte[DIGEST_BYTES];
                in.readFully(digest);
                state.open.put(action, new Fingerprint(digest, in.readDouble(), in.readDouble()));
            }
            int featureBytes = in.readInt();
            if (featureBytes >= 0) {
                state.features = new byte[featureBytes];
                in.readFully(state.features);
            }
            if (in.available() > 0 && in.readBoolean()) {
                state.valueTier = in.readUTF();
            }
            if (in.available() > 0) {
                if (in.readBoolean()) {
                    state.riskTier = in.readUTF();
                    state.otherRiskIndicatedSince = in.readLong();
                    state.otherRiskHigher = in.readBoolean();
                }
                for (int i = in.readInt(); i > 0; i--) {
                    state.lastOpened.put(in.readUTF(), in.readLong());
                }
            }
            if (in.available() > 0) {
                int observationBytes = in.readInt();
                if (observationBytes >= 0) {
                    state.observations = new byte[observationBytes];
                    in.readFully(state.observations);
                }
            }
            if (in.available() > 0) {
                state.pointScore = in.readInt();
            }
            return state;
        }

        /** Keeps {@code features} in {@code state}: serialized, then compressed (layout and length first). */
        public void setFeatures(EvaluatorState state, PeriodFeatures features) throws IOException {
            out.clear();
            serializer.serialize(features, out);
            int length = out.length();
            if (length > MAX_SERIALIZED_FEATURES) {
                throw new IOException("the features of customer " + features.customerId + " serialize to " + length
                        + " bytes, more than the packed state's 3-byte length holds");
            }
            int bound = compressor.maxCompressedLength(length);
            if (compressed.length < bound) {
                compressed = new byte[Math.max(bound, compressed.length * 2)];
            }
            int size = compressor.compress(out.getSharedBuffer(), 0, length, compressed, 0, compressed.length);
            byte[] packed = new byte[4 + size];
            packed[0] = (byte) FEATURES_LAYOUT;
            packed[1] = (byte) (length >>> 16);
            packed[2] = (byte) (length >>> 8);
            packed[3] = (byte) length;
            System.arraycopy(compressed, 0, packed, 4, size);
            state.features = packed;
        }

        /** The features {@link #setFeatures} kept, or null before the first evaluation. */
        public PeriodFeatures features(EvaluatorState state) throws IOException {
            if (state.features == null) {
                return null;
            }
            byte[] packed = state.features;
            int layout = packed[0] & 0xff;
            if (layout != FEATURES_LAYOUT && layout != FEATURES_LAYOUT_WITHOUT_OWNER) {
                throw new IOException("the packed features of a customer are of layout " + layout
                        + "; this version reads layouts " + FEATURES_LAYOUT_WITHOUT_OWNER + " and " + FEATURES_LAYOUT);
            }
            int length = (packed[1] & 0xff) << 16 | (packed[2] & 0xff) << 8 | packed[3] & 0xff;
            if (serialized.length < length) {
                serialized = new byte[Math.max(length, serialized.length * 2)];
            }
            decompress(packed, length);
            in.setBuffer(serialized, 0, length);
            return (layout == FEATURES_LAYOUT ? serializer : withoutOwner).deserialize(in);
        }

        private void decompress(byte[] packed, int length) throws IOException {
            try {
                int size = decompressor.decompress(packed, 4, packed.length - 4, serialized, 0, length);
                if (size != length) {
                    throw new IOException("the packed features of a customer are truncated: " + size + " of "
                            + length + " bytes");
                }
            } catch (LZ4Exception e) {
                throw new IOException("the packed features of a customer are corrupt", e);
            }
        }

    }
}

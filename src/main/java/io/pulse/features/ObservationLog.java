package io.pulse.features;


import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A customer's recent observations, what its declared features are computed from: every row of the
 * last {@link #RETENTION_DAYS} days, and the latest row of each source however old. Kept in time
 * order (then source, then id), each row once.
 *
 * <p>Packed as one byte array: the source names once, then per row the source's index, the time as
 * a gap from the previous row, the id, a type tag per value (2 bits each: null, text, number,
 * boolean) and the values, so a log reads back without the source catalog, and a log written
 * before a source gained a column reads that column as null.
 */
public final class ObservationLog {
    /** How far back rows are kept, and so the longest window a declared feature may have. */
    public static final int RETENTION_DAYS = 90;
    private static final long RETENTION_MS = Duration.ofDays(RETENTION_DAYS).toMillis();
    private static final int LAYOUT = 1;
    /** Values a row holds at most: two bits of each one's type are packed into one non-negative long. */
    public static final int MAX_VALUES = 31;
    private static final int NULL = 0, TEXT = 1, NUMBER = 2, BOOLEAN = 3;

    static final Comparator<Observation> IN_TIME_ORDER = Comparator.comparingLong(Observation::time)
            .thenComparing(Observation::source).thenComparing(Observation::id);

    private final ArrayList<Observation> rows = new ArrayList<>();

    /** The rows, oldest first; read-only. */
    public List<Observation> rows() {
        return java.util.Collections.unmodifiableList(rows);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Adds rows (in any order); a row already in the log is not added again. */
    public void addAll(Collection<Observation> added) {
        if (added.isEmpty()) {
            return;
        }
        rows.addAll(added);
        rows.sort(IN_TIME_ORDER);
        int kept = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (kept == 0 || !rows.get(i).sameRowAs(rows.get(kept - 1))) {
                rows.set(kept++, rows.get(i));
            }
        }
        rows.subList(kept, rows.size()).clear();
    }

    /** Drops the rows older than the retention before {@code asOf}, except the latest row of each source. */
    public void evict(long asOf) {
        long from = asOf - RETENTION_MS;
        Map<String, Integer> latest = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            latest.put(rows.get(i).source(), i);
        }
        int kept = 0;
        for (int i = 0; i < rows.size(); i++) {
            Observation o = rows.get(i);
            if (o.time() >= from || latest.get(o.source()) == i) {
                rows.set(kept++, o);
            }
        }
        rows.subList(kept, rows.size()).clear();
    }

    public byte[] pack() {
        CompactBytes.Writer out = new CompactBytes.Writer();
        out.flags(LAYOUT);
        List<String> sources = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Observation o : rows) {
            if (index.putIfAbsent(o.source(), sources.size()) == null) {
                sources.add(o.source());
            }
        }
        out.varint(sources.size());
        sources.forEach(out::string);
        out.varint(rows.size());
        long previous = 0;
        for (Observation o : rows) {
            out.varint(index.get(o.source()));
            out.signed(o.time() - previous);
            previous = o.time();
            out.string(o.id());
            writeValues(o.values(), out);
        }
        return out.toByteArray();
    }

    public static ObservationLog unpack(byte[] packed) {
        ObservationLog log = new ObservationLog();
        CompactBytes.Reader in = new CompactBytes.Reader(packed);
        int layout = in.flags();
        if (layout != LAYOUT) {
            throw new IllegalStateException("unknown layout " + layout + " of a customer's observation log");
        }
        String[] sources = new String[in.varint()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = in.string();
        }
        int count = in.varint();
        log.rows.ensureCapacity(count);
        long time = 0;
        for (int i = 0; i < count; i++) {
            String source = sources[in.varint()];
            time += in.signed();
            String id = in.string();
            log.rows.add(new Observation(source, time, id, readValues(in)));
        }
        return log;
    }

    private static void writeValues(Object[] values, CompactBytes.Writer out) {
        if (values.length > MAX_VALUES) {
            throw new IllegalArgumentException("an observation holds at most " + MAX_VALUES + " values, not "
                    + values.length);
        }
        long tags = 0;
        for (int i = 0; i < values.length; i++) {
            tags |= (long) tag(values[i]) << (2 * i);
        }
        out.varint(values.length);
        out.varlong(tags);
        for (Object v : values) {
            if (v instanceof String s) {
                out.string(s);
            } else if (v instanceof Double d) {
                out.decimal(d);
            } else if (v instanceof Boolean b) {
                out.bool(b);
            }
        }
    }

    private static Object[] readValues(CompactBytes.Reader in) {
        Object[] values = new Object[in.varint()];
        long tags = in.varlong();
        for (int i = 0; i < values.length; i++) {
            values[i] = switch ((int) (tags >>> (2 * i)) & 3) {
                case TEXT -> in.string();
                case NUMBER -> in.decimal();
                case BOOLEAN -> in.bool();
                default -> null;
            };
        }
        return values;
    }

    private static int tag(Object v) {
        if (v == null) {
            return NULL;
        }
        if (v instanceof String) {
            return TEXT;
        }
        if (v instanceof Double) {
            return NUMBER;
        }
        if (v instanceof Boolean) {
            return BOOLEAN;
        }
        throw new IllegalArgumentException("an observation's value is text, a number or a boolean, not " + v.getClass());
    }
}

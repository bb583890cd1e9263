package io.pulse.features;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactBytesTest {

    @Test
    void signedLongsComeBackWholeAndSmallOnesTakeOneByte() {
        List<Long> values = List.of(0L, 1L, -1L, 63L, -64L, 64L, 1L << 40, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE);
        CompactBytes.Writer out = new CompactBytes.Writer();
        for (long v : values) {
            out.signed(v);
        }
        CompactBytes.Reader in = new CompactBytes.Reader(out.toByteArray());
        for (long v : values) {
            assertThat(in.signed()).isEqualTo(v);
        }
        assertThat(in.atEnd()).isTrue();
        assertThat(bytesOf(w -> w.signed(-64))).hasSize(1);
        assertThat(bytesOf(w -> w.signed(64))).hasSize(2);
    }

    @Test
    void countsAndGapsCannotBeNegative() {
        CompactBytes.Writer out = new CompactBytes.Writer();
        assertThatThrownBy(() -> out.varint(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> out.varlong(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyDoubleComesBackBitForBit() {
        List<Double> values = List.of(0.0, -0.0, 1.0, -1.0, 581_752_095.55, 140_773_914.8, 0.01, 0.039, 19.79, -12.345,
                0.1 + 0.2, Math.PI, 1e300, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, -9.223372036854775808E18,
                9.007199254740993E15, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                Double.longBitsToDouble(0x7ff8_0000_0000_0001L)); // a NaN with a payload
        CompactBytes.Writer out = new CompactBytes.Writer();
        for (double v : values) {
            out.decimal(v);
        }
        CompactBytes.Reader in = new CompactBytes.Reader(out.toByteArray());
        for (double v : values) {
            assertThat(Double.doubleToRawLongBits(in.decimal())).as("%s", v).isEqualTo(Double.doubleToRawLongBits(v));
        }
        assertThat(in.atEnd()).isTrue();
    }

    @Test
    void shortDecimalsTakeFewerBytesThanADouble() {
        assertThat(bytesOf(w -> w.decimal(0.0))).hasSize(1);
        assertThat(bytesOf(w -> w.decimal(0.01))).hasSize(1);
        assertThat(bytesOf(w -> w.decimal(92.47))).hasSize(3);
        assertThat(bytesOf(w -> w.decimal(8_339.14))).hasSize(4);
        assertThat(bytesOf(w -> w.decimal(581_752_095.55))).hasSize(6);
        assertThat(bytesOf(w -> w.decimal(-0.0))).as("no decimal gives -0.0 back: 1 + 8 bytes").hasSize(9);
        assertThat(bytesOf(w -> w.decimal(Math.PI))).hasSize(9);
    }

    @Test
    void everyStringComesBackCharForChar() {
        List<String> values = Arrays.asList(null, "", "Technology", "a\u0000b", "Zürich", "東京",
                "\uD83D\uDE80 rocket", "lone \uD800 surrogate", "\uDFFF", "Mid-Market");
        CompactBytes.Writer out = new CompactBytes.Writer();
        for (String s : values) {
            out.string(s);
        }
        CompactBytes.Reader in = new CompactBytes.Reader(out.toByteArray());
        for (String s : values) {
            assertThat(in.string()).isEqualTo(s);
        }
        assertThat(in.atEnd()).isTrue();
        assertThat(bytesOf(w -> w.string("Large"))).as("length, then one byte a char").hasSize(6);
        assertThat(bytesOf(w -> w.string(null))).hasSize(1);
    }

    @Test
    void eachCharTakesTheBytesOfItsRangeAtTheRangesEdges() {
        // length + 1 in one byte, then 1 byte for U+0001..U+007F, 2 for U+0000 and U+0080..U+07FF, 3 above
        assertThat(bytesOf(w -> w.string("\u0001"))).hasSize(2);
        assertThat(bytesOf(w -> w.string("\u007F"))).hasSize(2);
        assertThat(bytesOf(w -> w.string("\u0000"))).hasSize(3);
        assertThat(bytesOf(w -> w.string("\u0080"))).hasSize(3);
        assertThat(bytesOf(w -> w.string("\u07FF"))).hasSize(3);
        assertThat(bytesOf(w -> w.string("\u0800"))).hasSize(4);
        assertThat(bytesOf(w -> w.string("\uFFFF"))).hasSize(4);
        String edges = "\u0000\u0001\u007F\u0080\u07FF\u0800\uFFFF";
        CompactBytes.Reader in = new CompactBytes.Reader(bytesOf(w -> w.string(edges)));
        assertThat(in.string()).isEqualTo(edges);
        assertThat(in.atEnd()).isTrue();
    }

    @Test
    void aReaderIsAtItsEndOnlyOnceEveryByteWasReadAndBooleansComeBack() {
        CompactBytes.Reader in = new CompactBytes.Reader(bytesOf(w -> {
            w.bool(true);
            w.bool(false);
            w.flags(0xA5);
        }));
        assertThat(in.atEnd()).isFalse();
        assertThat(in.bool()).isTrue();
        assertThat(in.bool()).isFalse();
        assertThat(in.atEnd()).isFalse();
        assertThat(in.flags()).isEqualTo(0xA5);
        assertThat(in.atEnd()).isTrue();
    }

    @Test
    void aDecimalAtTheLargestExactlyScaledValueIsShortAndOnePastItIsRaw() {
        // Either way 9 bytes; the raw form starts with a 0 header byte, a scaled one with its value.
        double largest = (double) (1L << 53); // 2^53 units: exact in a long and a double
        assertThat(bytesOf(w -> w.decimal(largest))[0]).as("scaled").isNotZero();
        assertThat(bytesOf(w -> w.decimal(-largest))[0]).as("scaled").isNotZero();
        assertThat(bytesOf(w -> w.decimal(largest * 2))[0]).as("2^54 units is past the header's range").isZero();
        assertThat(bytesOf(w -> w.decimal(-largest * 2))[0]).isZero();
        for (double v : new double[] {largest, -largest, largest * 2, -largest * 2, largest / 100, -largest / 1000}) {
            assertThat(new CompactBytes.Reader(bytesOf(w -> w.decimal(v))).decimal()).isEqualTo(v);
        }
    }

    @Test
    void aWriterGrowsPastItsFirstBuffer() {
        CompactBytes.Writer out = new CompactBytes.Writer();
        for (int i = 0; i < 1_000; i++) {
            out.fixed64(i);
        }
        CompactBytes.Reader in = new CompactBytes.Reader(out.toByteArray());
        for (int i = 0; i < 1_000; i++) {
            assertThat(in.fixed64()).isEqualTo(i);
        }
        assertThat(in.atEnd()).isTrue();
    }

    private static byte[] bytesOf(Consumer<CompactBytes.Writer> write) {
        CompactBytes.Writer out = new CompactBytes.Writer();
        write.accept(out);
        return out.toByteArray();
    }
}

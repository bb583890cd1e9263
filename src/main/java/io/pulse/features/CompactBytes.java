package io.pulse.features;

import java.util.Arrays;

/**
 * A byte writer and reader for the features operator's packed state ({@link DayBuckets},
 * {@link CustomerRollingState}, {@link ObservationLog}): most numbers in it are small or short decimals, so they take one
 * to a few bytes instead of a field of 4 or 8 and an object around it. Every encoding gives back
 * exactly what was written (doubles bit for bit, any string).
 */
final class CompactBytes {
    /** Decimal scales tried for {@link Writer#decimal}, by code 1..3 (0: the 8 raw bytes follow). */
    private static final double[] SCALES = {0, 1, 100, 1000};
    /** A scaled double is exact in a long up to 2^53, and its header must fit 64 bits. */
    private static final long MAX_SCALED = 1L << 53;

    private CompactBytes() {}

    static final class Writer {
        private byte[] bytes = new byte[256];
        private int length;

        void varint(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("a count cannot be negative: " + v);
            }
            unsigned(v);
        }

        /** A non-negative long (a gap, a time within a day): 7 bits a byte. */
        void varlong(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("gaps and times within a day cannot be negative: " + v);
            }
            unsigned(v);
        }

        /** Any long, small magnitudes short (zigzag: 0, -1, 1, -2, ... as 0, 1, 2, 3, ...). */
        void signed(long v) {
            unsigned((v << 1) ^ (v >> 63));
        }

        void fixed64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                put((byte) (v >>> shift));
            }
        }

        /**
         * A double: money and scores come with at most 3 decimals, so when a whole number of
         * units, hundredths or thousandths gives back the same double bit for bit, that number is
         * written with the scale's code; any other double (-0.0, NaN, 0.1 + 0.2) as its 8 bytes.
         */
        void decimal(double v) {
            long bits = Double.doubleToRawLongBits(v);
            for (int code = 1; code < SCALES.length; code++) {
                long scaled = Math.round(v * SCALES[code]);
                if (scaled >= -MAX_SCALED && scaled <= MAX_SCALED
                        && Double.doubleToRawLongBits(scaled / SCALES[code]) == bits) {
                    unsigned(((scaled << 1) ^ (scaled >> 63)) << 2 | code);
                    return;
                }
            }
            unsigned(0);
            fixed64(bits);
        }

        void bool(boolean v) {
            put((byte) (v ? 1 : 0));
        }

        void flags(int v) {
            put((byte) v);
        }

        /**
         * A string or null: its length + 1 (0 for null), then each char in 1 to 3 bytes as
         * modified UTF-8 does, so even a lone surrogate comes back as it was.
         */
        void string(String s) {
            if (s == null) {
                unsigned(0);
                return;
            }
            unsigned(s.length() + 1L);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x01 && c <= 0x7F) {
                    put((byte) c);
                } else if (c <= 0x7FF) {
                    put((byte) (0xC0 | (c >> 6)));
                    put((byte) (0x80 | (c & 0x3F)));
                } else {
                    put((byte) (0xE0 | (c >> 12)));
                    put((byte) (0x80 | ((c >> 6) & 0x3F)));
                    put((byte) (0x80 | (c & 0x3F)));
                }
            }
        }

        private void unsigned(long v) {
            while ((v & ~0x7FL) != 0) {
                put((byte) (v | 0x80));
                v >>>= 7;
            }
            put((byte) v);
        }

        private void put(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = b;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }
    }

    static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int varint() {
            return Math.toIntExact(unsigned());
        }

        long varlong() {
            return unsigned();
        }

        long signed() {
            long v = unsigned();
            return (v >>> 1) ^ -(v & 1);
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[position++] & 0xFF);
            }
            return v;
        }

        double decimal() {
            long header = unsigned();
            int code = (int) (header & 3);
            if (code == 0) {
                return Double.longBitsToDouble(fixed64());
            }
            long zigzag = header >>> 2;
            long scaled = (zigzag >>> 1) ^ -(zigzag & 1);
            return scaled / SCALES[code];
        }

        boolean bool() {
            return bytes[position++] != 0;
        }

        int flags() {
            return bytes[position++] & 0xFF;
        }

        String string() {
            long header = unsigned();
            if (header == 0) {
                return null;
            }
            char[] chars = new char[Math.toIntExact(header - 1)];
            for (int i = 0; i < chars.length; i++) {
                int b = bytes[position++] & 0xFF;
                if (b < 0x80) {
                    chars[i] = (char) b;
                } else if (b < 0xE0) {
                    chars[i] = (char) ((b & 0x1F) << 6 | (bytes[position++] & 0x3F));
                } else {
                    int middle = bytes[position++] & 0x3F;
                    chars[i] = (char) ((b & 0x0F) << 12 | middle << 6 | (bytes[position++] & 0x3F));
                }
            }
            return new String(chars);
        }

        /** True once every byte was read: a packed state is read whole. */
        boolean atEnd() {
            return position == bytes.length;
        }

        private long unsigned() {
            long v = 0;
            int shift = 0;
            byte b;
            do {
                b = bytes[position++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            return v;
        }
    }
}

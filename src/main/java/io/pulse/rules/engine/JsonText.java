package io.pulse.rules.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The two small JSON texts every recommendation carries (playbook, reasons), written straight into
 * a StringBuilder: they are built for every evaluation, and this is several times cheaper than a
 * Jackson generator over a StringWriter. Output is plain JSON (RFC 8259 string escaping).
 */
public final class JsonText {
    private JsonText() {}

    /** ["step", ...] */
    static String stringArray(List<String> values) {
        StringBuilder sb = new StringBuilder(512).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, values.get(i));
        }
        return sb.append(']').toString();
    }

    /** [{"rule": name, "facts": {binding: value, ...}}, ...] in the given (firing) order. */
    static String reasons(List<RuleTrace.Firing> chain) {
        StringBuilder sb = new StringBuilder(1024).append('[');
        for (int i = 0; i < chain.size(); i++) {
            RuleTrace.Firing f = chain.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append(f.bindings().jsonPrefix());
            String[] keys = f.bindings().jsonKeys();
            boolean first = true;
            for (int j = 0; j < keys.length; j++) {
                Object value = f.values()[j];
                if (value == RuleTrace.Firing.NOT_SHOWN) {
                    continue;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(keys[j]);
                scalar(sb, value);
            }
            sb.append("}}");
        }
        return sb.append(']').toString();
    }

    /**
     * Numbers as a person reads them: doubles rounded to 4 decimals in plain notation (50000000,
     * not 5.0E7; 0.5395, not 0.53953); booleans as JSON booleans; anything else a string.
     */
    static void scalar(StringBuilder sb, Object v) {
        if (v instanceof Double || v instanceof Float) {
            decimal(sb, ((Number) v).doubleValue());
        } else if (v == null || v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, String.valueOf(v));
        }
    }

    /**
     * A double rounded to 4 decimals, in plain notation without trailing zeros, by integer
     * arithmetic (Double.toString is the slowest part of building reasons otherwise).
     */
    static void decimal(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            string(sb, Double.toString(d));
            return;
        }
        if (Math.abs(d) >= 1e14) {
            sb.append(BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
            return;
        }
        long tenThousandths = Math.round(d * 10_000);
        if (tenThousandths < 0) {
            sb.append('-');
            tenThousandths = -tenThousandths;
        }
        sb.append(tenThousandths / 10_000);
        int fraction = (int) (tenThousandths % 10_000);
        if (fraction != 0) {
            int digits = 4;
            while (fraction % 10 == 0) {
                fraction /= 10;
                digits--;
            }
            sb.append('.');
            for (int pad = digits - String.valueOf(fraction).length(); pad > 0; pad--) {
                sb.append('0');
            }
            sb.append(fraction);
        }
    }

    /** A string as a JSON string literal. */
    public static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        string(sb, s);
        return sb.toString();
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        if (!needsEscape(s)) {
            sb.append(s).append('"');
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean needsEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }
}

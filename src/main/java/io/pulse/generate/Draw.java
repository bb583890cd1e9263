package io.pulse.generate;

import java.util.SplittableRandom;

/**
 * Random draws used by the generator. Everything goes through {@link StrictMath} and our own
 * Gaussian so that a seed gives the same numbers on every JVM and CPU, not just on this one.
 */
final class Draw {

    private Draw() {}

    /** A well-mixed 64-bit value from a seed and two indices (SplitMix64 finaliser over a combination). */
    static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xD1B54A32D192ED03L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An independent random stream for one company and one purpose. */
    static SplittableRandom stream(long seed, int company, int purpose) {
        return new SplittableRandom(mix(seed, company, purpose));
    }

    static double uniform(SplittableRandom r, double low, double high) {
        return low + (high - low) * r.nextDouble();
    }

    static boolean chance(SplittableRandom r, double p) {
        return r.nextDouble() < p;
    }

    /** Standard normal by Box-Muller (one value per two uniforms, so the stream stays simple). */
    static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * StrictMath.PI * v);
    }

    static double normal(SplittableRandom r, double mean, double sd) {
        return mean + sd * gaussian(r);
    }

    /** Log-normal with the given median and log-scale sigma. */
    static double logNormal(SplittableRandom r, double median, double sigma) {
        return median * StrictMath.exp(sigma * gaussian(r));
    }

    /** Log-normal truncated to [low, high] by redrawing, so bounds do not pile up mass. */
    static double logNormalWithin(SplittableRandom r, double median, double sigma, double low, double high) {
        for (int attempt = 0; attempt < 64; attempt++) {
            double x = logNormal(r, median, sigma);
            if (x >= low && x <= high) {
                return x;
            }
        }
        return clamp(median, low, high);
    }

    static double exponential(SplittableRandom r, double mean) {
        return -mean * StrictMath.log(1.0 - r.nextDouble());
    }

    /** Poisson count; Knuth's method for small means, a rounded normal beyond. */
    static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return (int) Math.max(0, Math.round(normal(r, mean, StrictMath.sqrt(mean))));
        }
        double limit = StrictMath.exp(-mean);
        double product = r.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= r.nextDouble();
            n++;
        }
        return n;
    }

    static int between(SplittableRandom r, int lowInclusive, int highInclusive) {
        return lowInclusive + r.nextInt(highInclusive - lowInclusive + 1);
    }

    static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    /** Index drawn with probability proportional to its weight. */
    static int weighted(SplittableRandom r, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static double clamp(double x, double low, double high) {
        return x < low ? low : Math.min(x, high);
    }

    static int clamp(int x, int low, int high) {
        return x < low ? low : Math.min(x, high);
    }

    /** Rounded to cents, as money columns are. */
    static double cents(double x) {
        return Math.round(x * 100.0) / 100.0;
    }

    static double round2(double x) {
        return Math.round(x * 100.0) / 100.0;
    }
}

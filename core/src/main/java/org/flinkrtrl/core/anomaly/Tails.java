package org.flinkrtrl.core.anomaly;

/**
 * Gaussian tail probabilities in log form, so that far tails neither underflow to 0 nor round to 1, and the map of
 * a log tail probability into a bounded score.
 */
public final class Tails {
    private static final double LN10 = Math.log(10.0);
    /** -log10 of the smallest positive double: tail probabilities below it all map to the top score. */
    static final double MAX_DIGITS = -Math.log10(Double.MIN_VALUE);

    private Tails() {}

    /**
     * ln erfc(x) for x &gt;= 0, from the Chebyshev fit erfc(x) = t exp(-x^2 + P(t)), t = 1 / (1 + x / 2), whose
     * fractional error is below 1.2e-7 for every x &gt;= 0; computed in log form it stays finite for any finite x.
     */
    static double logErfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double v = Math.log(t) - z * z + p;
        return x >= 0 ? v : Math.log(2.0 - Math.exp(v));
    }

    /** ln P(|Z| &gt;= z) for a standard normal Z, z &gt;= 0 (0 for z = 0; NaN reads as z = 0). */
    public static double logTwoSided(double z) {
        if (!(z > 0)) {
            return 0.0;
        }
        return Math.min(0.0, logErfc(z / Math.sqrt(2.0)));
    }

    /** ln P(Z &gt;= z) for a standard normal Z. */
    public static double logUpper(double z) {
        if (Double.isNaN(z)) {
            return 0.0;
        }
        return Math.min(0.0, logErfc(z / Math.sqrt(2.0)) - Math.log(2.0));
    }

    /**
     * The score of a tail probability p given as ln p: with L = -log10 p (the surprise in decimal digits),
     * score = L / (L + halfDigits), strictly increasing in L, 0 at p = 1, 1/2 at p = 10^-halfDigits, below 1 for
     * every representable p (p below the smallest positive double, about 4.9e-324, counts as that double, so the
     * top score is 323.3 / (323.3 + halfDigits)). A score threshold t therefore means the tail probability
     * 10^(-halfDigits t / (1 - t)).
     */
    public static double score(double lnP, double halfDigits) {
        double l = Math.min(MAX_DIGITS, Math.max(0.0, -lnP / LN10));
        return l / (l + halfDigits);
    }

    /** The tail probability, as ln p, that {@link #score} maps to {@code score}. */
    public static double lnPForScore(double score, double halfDigits) {
        return -LN10 * halfDigits * score / (1.0 - score);
    }
}

package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The anomaly scorer of learner state format 1, kept so that a format-1 state can be read (its scorer state is
 * dropped on migration; the job scores with {@link org.flinkrtrl.core.anomaly.AnomalyDetector}). Its score was a
 * prediction error relative to the stream's own recent errors:
 * <pre>  score_t = max(0, (e_t - mu_{t-1}) / (sqrt(nu_{t-1}) + 1e-9))</pre>
 * where e_t is the mean squared one-step error in normalised units, and mu, nu are the exponentially weighted
 * mean and variance of past errors with rate alpha (mu += alpha d; nu = (1 - alpha)(nu + alpha d^2), d = e - mu).
 * The score is a one-sided z-score: a steady stream scores near 0, a sudden deviation scores many "sigmas".
 * The first error only initialises mu and scores 0. After {@value #WARM_UP} errors, the deviation folded into
 * mu and nu is winsorised to +-{@value #WINSOR} sqrt(nu): one huge error would otherwise inflate nu so much that
 * the rest of an anomalous run scores 0 (on the bundled sensor data this took the ROC AUC from 0.43 to 0.66).
 */
public final class AnomalyScorer {
    /** Errors seen before the statistics' updates are winsorised. */
    static final int WARM_UP = 30;
    /** Winsorising bound, in standard deviations. */
    static final double WINSOR = 3.0;
    private final double alpha;
    private double mu;
    private double nu;
    private long count;

    public AnomalyScorer(double alpha) {
        this.alpha = alpha;
    }

    /** Scores {@code error} against the statistics so far, then folds it in. Non-finite errors score +Inf and are not folded in. */
    public double score(double error) {
        if (!Double.isFinite(error)) {
            return Double.POSITIVE_INFINITY;
        }
        if (count == 0) {
            mu = error;
            nu = 0.0;
            count = 1;
            return 0.0;
        }
        double d = error - mu;
        double s = Math.max(0.0, d / (Math.sqrt(nu) + 1e-9));
        if (count >= WARM_UP) {
            double bound = WINSOR * Math.sqrt(nu);
            d = Math.max(-bound, Math.min(bound, d));
        }
        mu += alpha * d;
        nu = (1.0 - alpha) * (nu + alpha * d * d);
        count++;
        return s;
    }

    public double meanError() {
        return mu;
    }

    void write(DataOutput o) throws IOException {
        o.writeLong(count);
        o.writeDouble(mu);
        o.writeDouble(nu);
    }

    void read(DataInput in) throws IOException {
        count = in.readLong();
        mu = in.readDouble();
        nu = in.readDouble();
    }
}

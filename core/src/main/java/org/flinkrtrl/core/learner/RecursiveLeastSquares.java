package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Exponentially weighted recursive least squares for one output: theta minimises
 * {@code sum_s lambda^(t-s) (y_s - theta . phi_s)^2 + lambda^t (theta - theta0)' P0^-1 (theta - theta0)}, exactly,
 * in O(p^2) per update and no allocation.
 *
 * <pre>
 *   g = P phi;  k = g / (lambda + phi' g);  theta += k (y - theta . phi);  P = (P - k g') / lambda
 * </pre>
 *
 * <p>Wind-up guard: directions the inputs never excite (a feature that stays 0) would see P grow as lambda^-t
 * until it overflows. The division by lambda is therefore capped so the trace of P never grows beyond the prior's
 * trace ({@code P *= min(1 / lambda, max(1, trace(P0) / trace(P)))}, continuous in P, so equal inputs in another
 * unit take the same path); the excited directions are unaffected in practice (their part of the trace is tiny).
 * P is kept symmetric by updating one triangle and mirroring.
 */
public final class RecursiveLeastSquares {
    private final int p;
    private final double lambda;
    private final double priorVariance;
    private final double[] theta;
    private final double[] cov;
    private final double[] g;
    private final double[] prior;
    /** Whether theta and P are all finite, kept by every method that writes them. */
    private boolean finite;

    /**
     * @param p             number of features
     * @param lambda        forgetting factor in (0, 1]
     * @param priorVariance P0 = priorVariance * I (> 0)
     * @param prior         theta0, length p (copied)
     */
    public RecursiveLeastSquares(int p, double lambda, double priorVariance, double[] prior) {
        if (!(lambda > 0 && lambda <= 1)) {
            throw new IllegalArgumentException("forgetting factor must be in (0, 1], got " + lambda);
        }
        if (!(priorVariance > 0 && Double.isFinite(priorVariance))) {
            throw new IllegalArgumentException("prior variance must be finite and > 0, got " + priorVariance);
        }
        if (prior.length != p) {
            throw new IllegalArgumentException("prior has " + prior.length + " coefficients, expected " + p);
        }
        this.p = p;
        this.lambda = lambda;
        this.priorVariance = priorVariance;
        this.theta = new double[p];
        this.cov = new double[p * p];
        this.g = new double[p];
        this.prior = prior.clone();
        reset();
    }

    /** Back to the prior: theta = theta0, P = P0. */
    public void reset() {
        System.arraycopy(prior, 0, theta, 0, p);
        Arrays.fill(cov, 0.0);
        for (int i = 0; i < p; i++) {
            cov[i * p + i] = priorVariance;
        }
        finite = scanFinite();
    }

    public double predict(double[] phi) {
        double s = 0.0;
        for (int i = 0; i < p; i++) {
            s += theta[i] * phi[i];
        }
        return s;
    }

    /** One observation: features {@code phi}, target {@code y}. Returns the a-priori error y - theta . phi. */
    public double update(double[] phi, double y) {
        return update(phi, y, Double.POSITIVE_INFINITY);
    }

    /**
     * One observation weighted by Huber's rule: an a-priori error within +-{@code maxError} counts fully, a larger
     * one with weight maxError / |error| (as in one reweighting step of a Huber M-estimate). A wild value therefore
     * moves the coefficients by a bounded amount and hardly shrinks P, and the fit leans towards the conditional
     * median on heavy-tailed series. Returns the a-priori error.
     */
    public double update(double[] phi, double y, double maxError) {
        double err = y - predict(phi);
        double a = Math.abs(err);
        double w = a > maxError ? maxError / a : 1.0;
        double denom = lambda / w;
        for (int i = 0; i < p; i++) {
            double s = 0.0;
            int row = i * p;
            for (int j = 0; j < p; j++) {
                s += cov[row + j] * phi[j];
            }
            g[i] = s;
            denom += phi[i] * s;
        }
        double inv = 1.0 / denom;
        // the trace of P - k g' from its diagonal first (the same operations as the update below), so the scaling
        // by f and the mirroring happen in the update's one pass over the upper triangle
        double trace = 0.0;
        for (int i = 0; i < p; i++) {
            trace += cov[i * p + i] - g[i] * inv * g[i];
        }
        double f = Math.min(1.0 / lambda, Math.max(1.0, p * priorVariance / trace));
        boolean ok = true;
        for (int i = 0; i < p; i++) {
            double ki = g[i] * inv;
            double t = theta[i] + ki * err;
            theta[i] = t;
            ok &= Math.abs(t) <= Double.MAX_VALUE;
            int row = i * p;
            for (int j = i; j < p; j++) {
                double v = (cov[row + j] - ki * g[j]) * f;
                cov[row + j] = v;
                cov[j * p + i] = v;
                ok &= Math.abs(v) <= Double.MAX_VALUE;
            }
        }
        finite = ok;
        return err;
    }

    /**
     * True when every coefficient and covariance entry is finite: checked while {@link #update} writes them (every
     * entry of P is written by each update), and by a scan after {@link #reset}, {@link #start} and a read.
     */
    public boolean isFinite() {
        return finite;
    }

    private boolean scanFinite() {
        for (double v : theta) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double v : cov) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Live view of the covariance P, row-major p x p. Do not modify. */
    public double[] covariance() {
        return cov;
    }

    /**
     * Starts from given coefficients and covariance instead of the prior (a template's); {@link #reset()} still
     * returns to the prior. The arrays are copied.
     */
    public void start(double[] coefficients, double[] covariance) {
        if (coefficients.length != p || covariance.length != p * p) {
            throw new IllegalArgumentException("expected " + p + " coefficients and " + p * p
                + " covariance entries, got " + coefficients.length + " and " + covariance.length);
        }
        System.arraycopy(coefficients, 0, theta, 0, p);
        System.arraycopy(covariance, 0, cov, 0, cov.length);
        finite = scanFinite();
    }

    /** Live view of the coefficients. Do not modify. */
    public double[] coefficients() {
        return theta;
    }

    public int features() {
        return p;
    }

    void write(DataOutput o) throws IOException {
        StateArrays.write(o, theta);
        StateArrays.write(o, cov);
    }

    void read(DataInput in) throws IOException {
        StateArrays.read(in, theta);
        StateArrays.read(in, cov);
        finite = scanFinite();
    }
}

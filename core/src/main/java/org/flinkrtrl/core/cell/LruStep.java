package org.flinkrtrl.core.cell;

/**
 * One time step of an {@link LruCell}: the base {@link CellStep} fields that keep their meaning ({@code a = [h_t;
 * x_t; 1]} with the previous state, {@code hNext}) plus the per-unit values of the recurrence that the online
 * gradient ({@code org.flinkrtrl.core.grad.OnlineLru}) needs, so no transcendental function is evaluated twice.
 * The D_t / H_t fields of the base class ({@code z}, {@code hDiag}, {@code dDiag}) stay zero: the LRU's Jacobian
 * is the complex diagonal lambda, held here. Buffers are allocated once; a step allocates nothing.
 */
public final class LruStep extends CellStep {
    /** Number of complex units N. */
    public final int units;
    /**
     * Re and Im of lambda = exp(-exp(nu) + i exp(theta)), exp(nu), exp(theta) and gamma = exp(gamma_log), length N
     * each: the step's own buffers, or the arrays of the cell's transform cache ({@link LruCell#prepare}) when the
     * step's parameters are the cached ones. Read-only for everything but the cell.
     */
    public double[] lamRe;
    public double[] lamIm;
    public double[] expNu;
    public double[] expTheta;
    public double[] gamma;
    /** The step's own buffers of the five fields above. */
    final double[] ownLamRe;
    final double[] ownLamIm;
    final double[] ownExpNu;
    final double[] ownExpTheta;
    final double[] ownGamma;
    /** Re and Im of B x_t (before the gamma scaling), length N each. */
    public final double[] bxRe;
    public final double[] bxIm;

    LruStep(int units, int inputs) {
        super(2 * units + inputs, inputs, 1);
        this.units = units;
        this.ownLamRe = new double[units];
        this.ownLamIm = new double[units];
        this.ownExpNu = new double[units];
        this.ownExpTheta = new double[units];
        this.ownGamma = new double[units];
        this.lamRe = ownLamRe;
        this.lamIm = ownLamIm;
        this.expNu = ownExpNu;
        this.expTheta = ownExpTheta;
        this.gamma = ownGamma;
        this.bxRe = new double[units];
        this.bxIm = new double[units];
    }
}

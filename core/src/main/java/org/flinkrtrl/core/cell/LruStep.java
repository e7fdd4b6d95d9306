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
    /** Re and Im of lambda = exp(-exp(nu) + i exp(theta)), length N each. */
    public final double[] lamRe;
    public final double[] lamIm;
    /** exp(nu), exp(theta) and gamma = exp(gamma_log), length N each. */
    public final double[] expNu;
    public final double[] expTheta;
    public final double[] gamma;
    /** Re and Im of B x_t (before the gamma scaling), length N each. */
    public final double[] bxRe;
    public final double[] bxIm;

    LruStep(int units, int inputs) {
        super(2 * units + inputs, inputs, 1);
        this.units = units;
        this.lamRe = new double[units];
        this.lamIm = new double[units];
        this.expNu = new double[units];
        this.expTheta = new double[units];
        this.gamma = new double[units];
        this.bxRe = new double[units];
        this.bxIm = new double[units];
    }
}

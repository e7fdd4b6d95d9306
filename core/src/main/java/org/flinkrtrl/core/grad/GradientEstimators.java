package org.flinkrtrl.core.grad;

import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.LruCell;

/** Factory that builds the {@link GradientEstimator} for a {@link Method}, validating its parameters. */
public final class GradientEstimators {
    private GradientEstimators() {}

    /**
     * @param method     which estimator.
     * @param cell       the cell whose W the estimator differentiates.
     * @param rank       OK rank r (>= 1; validated for every method so a bad config fails early, used only by OK).
     * @param truncation TBPTT window T (>= 1; validated for every method, used only by TBPTT).
     */
    public static GradientEstimator create(Method method, Cell cell, int rank, int truncation) {
        if (method == null) {
            throw new IllegalArgumentException("method must not be null; expected one of " + Method.NAMES);
        }
        if (cell == null) {
            throw new IllegalArgumentException("cell must not be null");
        }
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1, got " + rank);
        }
        if (truncation < 1) {
            throw new IllegalArgumentException("truncation must be >= 1, got " + truncation);
        }
        if ((method == Method.LRU) != (cell instanceof LruCell)) {
            throw new IllegalArgumentException(method == Method.LRU
                ? "method lru needs an LruCell, got " + cell.getClass().getSimpleName()
                : "method " + method + " needs a dense cell (tanh, gated), got an LruCell");
        }
        switch (method) {
            case OK:
                return new OkRtrl(cell, rank);
            case KF:
                return new KfRtrl(cell);
            case UORO:
                return new Uoro(cell);
            case RTRL:
                return new ExactRtrl(cell);
            case TBPTT:
                return new TruncatedBptt(cell, truncation);
            case LRU:
                return new OnlineLru((LruCell) cell);
            default:
                throw new IllegalArgumentException("unsupported method " + method);
        }
    }
}

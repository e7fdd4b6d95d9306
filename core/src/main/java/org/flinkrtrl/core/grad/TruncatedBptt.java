package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Truncated BPTT with the update lock: records a_t, the cell derivatives and dL/dh_{t+1} of every step, and once a
 * window of T steps is complete backpropagates it as a whole and emits the summed gradient
 * {@code sum_t (D_t^T delta_{t+1}) a_t^T}, with {@code delta_t = dL/dh_t + H_t^T delta_{t+1}} inside the window.
 *
 * <p>W is captured (copied) at the window's first step; the caller does not update W before the window's gradient
 * is emitted (the lock), so this is the W of every step in the window. {@link #reset()} cuts the chain (no
 * gradient flows into a reset hidden state) but keeps the pending steps, so no loss is dropped. If the caller
 * skips {@link #gradient} at a window end, the window grows until the next call.
 */
public final class TruncatedBptt implements GradientEstimator {
    private static final int TAG = 0x54425031; // "TBP1"

    private final int n;
    private final int k;
    private final int m;
    private final int g;
    private final int window;
    private final double[] wCopy;
    private final double[] delta;
    private final double[] gz;
    private final double[] carry;
    private final double[] tmp;
    private final CellStep replay;

    private int count;
    private int capacity;
    private double[] as;
    private double[] hDiags;
    private double[] dDiags;
    private double[] losses;
    /** cut[t]: the hidden state entering step t was reset (no gradient flows back past step t). */
    private boolean[] cut;
    private boolean pendingCut;

    public TruncatedBptt(Cell cell, int truncation) {
        if (truncation < 1) {
            throw new IllegalArgumentException("TBPTT truncation must be >= 1, got " + truncation);
        }
        this.n = cell.hiddenSize();
        this.k = cell.preActivations();
        this.m = cell.presynapticSize();
        this.g = cell.gates();
        this.window = truncation;
        this.wCopy = new double[k * m];
        this.delta = new double[n];
        this.gz = new double[k];
        this.carry = new double[n];
        this.tmp = new double[k];
        this.replay = cell.newStep();
        allocate(truncation);
    }

    private void allocate(int cap) {
        capacity = cap;
        as = Arrays.copyOf(as == null ? new double[0] : as, cap * m);
        hDiags = Arrays.copyOf(hDiags == null ? new double[0] : hDiags, cap * n);
        dDiags = Arrays.copyOf(dDiags == null ? new double[0] : dDiags, cap * k);
        losses = Arrays.copyOf(losses == null ? new double[0] : losses, cap * n);
        cut = Arrays.copyOf(cut == null ? new boolean[0] : cut, cap);
    }

    @Override
    public Method method() {
        return Method.TBPTT;
    }

    public int truncation() {
        return window;
    }

    /** Number of steps recorded in the pending window. */
    public int pendingSteps() {
        return count;
    }

    /** 0: no influence state is carried; the window's backward pass starts from zero every update. */
    @Override
    public double influenceScale() {
        return 0.0;
    }

    @Override
    public void reset() {
        pendingCut = true;
    }

    @Override
    public void step(double[] W, CellStep s, Rng rng) {
        StateIO.checkShape(s, n, k, m, "TruncatedBptt");
        if (count == capacity) {
            allocate(2 * capacity); // only when the caller skipped a window-end gradient call
        }
        if (count == 0) {
            System.arraycopy(W, 0, wCopy, 0, k * m);
        }
        System.arraycopy(s.a, 0, as, count * m, m);
        System.arraycopy(s.hDiag, 0, hDiags, count * n, n);
        System.arraycopy(s.dDiag, 0, dDiags, count * k, k);
        Arrays.fill(losses, count * n, (count + 1) * n, 0.0);
        cut[count] = pendingCut;
        pendingCut = false;
        count++;
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        if (count == 0) {
            return false; // loss on a state that does not depend on W
        }
        int off = (count - 1) * n;
        for (int j = 0; j < n; j++) {
            losses[off + j] += dLdh[j];
        }
        if (count < window) {
            return false;
        }
        backprop(gradW);
        count = 0;
        return true;
    }

    private void backprop(double[] gradW) {
        Arrays.fill(gradW, 0, k * m, 0.0);
        Arrays.fill(carry, 0.0);
        for (int t = count - 1; t >= 0; t--) {
            for (int j = 0; j < n; j++) {
                delta[j] = carry[j] + losses[t * n + j];
            }
            System.arraycopy(hDiags, t * n, replay.hDiag, 0, n);
            System.arraycopy(dDiags, t * k, replay.dDiag, 0, k);
            replay.multDT(delta, gz);
            int aOff = t * m;
            for (int q = 0; q < k; q++) {
                double c = gz[q];
                if (c == 0.0) {
                    continue;
                }
                int row = q * m;
                for (int p = 0; p < m; p++) {
                    gradW[row + p] += c * as[aOff + p];
                }
            }
            if (cut[t]) {
                Arrays.fill(carry, 0.0);
            } else {
                replay.multHT(wCopy, delta, carry, tmp);
            }
        }
    }

    @Override
    public void influence(double[] out) {
        throw new UnsupportedOperationException("TBPTT keeps no influence matrix");
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, k, m, g, window);
        out.writeInt(count);
        out.writeBoolean(pendingCut);
        if (count > 0) {
            StateArrays.writeDoubles(out, wCopy, k * m);
        }
        StateArrays.writeDoubles(out, as, count * m);
        StateArrays.writeDoubles(out, hDiags, count * n);
        StateArrays.writeDoubles(out, dDiags, count * k);
        StateArrays.writeDoubles(out, losses, count * n);
        for (int t = 0; t < count; t++) {
            out.writeBoolean(cut[t]);
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "TruncatedBptt", n, k, m, g, window);
        int c = in.readInt();
        if (c < 0) {
            throw new IOException("TruncatedBptt: negative pending step count " + c);
        }
        if (c > capacity) {
            allocate(Math.max(c, 2 * capacity));
        }
        count = c;
        pendingCut = in.readBoolean();
        if (count > 0) {
            StateArrays.readDoubles(in, wCopy, k * m);
        }
        StateArrays.readDoubles(in, as, count * m);
        StateArrays.readDoubles(in, hDiags, count * n);
        StateArrays.readDoubles(in, dDiags, count * k);
        StateArrays.readDoubles(in, losses, count * n);
        for (int t = 0; t < count; t++) {
            cut[t] = in.readBoolean();
        }
    }
}

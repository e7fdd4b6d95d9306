package org.flinkrtrl.core.learner;

import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.readout.LinearReadout;
import org.flinkrtrl.core.readout.MlpReadout;
import org.flinkrtrl.core.readout.Readout;
import org.flinkrtrl.core.readout.SoftmaxReadout;

/**
 * The cell and readout a {@link ModelConfig} describes. The dense methods use the configured cell (tanh or gated,
 * n = hidden units) with a linear head on h. Method {@code lru} brings its own architecture: an {@link LruCell} of
 * {@code hidden} complex units followed by a readout on {@code [Re h, Im h, x]}: linear (or softmax) with
 * {@code lruReadoutWidth} 0, else an {@link MlpReadout} of that many tanh features.
 */
public final class Networks {
    private Networks() {}

    public static Cell cell(ModelConfig c) {
        if (c.method() == Method.LRU) {
            return new LruCell(c.hidden(), c.inputs(), c.lruRMin(), c.lruRMax(), c.lruMaxPhase());
        }
        return c.cell() == ModelConfig.CellType.GATED ? new GatedCell(c.hidden(), c.inputs()) : new TanhCell(c.hidden(), c.inputs());
    }

    /** The readout on {@code cell}'s state ({@code cell} built by {@link #cell} for the same config). */
    public static Readout readout(ModelConfig c, Cell cell) {
        boolean softmax = c.head() == ModelConfig.Head.SOFTMAX;
        if (c.method() == Method.LRU && c.lruReadoutWidth() > 0) {
            return new MlpReadout(cell.hiddenSize(), c.lruReadoutWidth(), c.outputs(), softmax, c.huberDelta());
        }
        return softmax
            ? new SoftmaxReadout(cell.hiddenSize(), c.outputs())
            : new LinearReadout(cell.hiddenSize(), c.outputs(), c.huberDelta());
    }
}

package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.junit.jupiter.api.Test;

/** The factory builds the right estimator and rejects bad parameters with a clear message. */
class GradientEstimatorsTest {
    private final Cell cell = new TanhCell(4, 2);

    @Test
    void buildsEveryMethod() {
        assertInstanceOf(OkRtrl.class, GradientEstimators.create(Method.OK, cell, 3, 1));
        assertEquals(3, ((OkRtrl) GradientEstimators.create(Method.OK, cell, 3, 1)).rank());
        assertInstanceOf(KfRtrl.class, GradientEstimators.create(Method.KF, cell, 1, 1));
        assertInstanceOf(Uoro.class, GradientEstimators.create(Method.UORO, cell, 1, 1));
        assertInstanceOf(ExactRtrl.class, GradientEstimators.create(Method.RTRL, cell, 1, 1));
        assertInstanceOf(TruncatedBptt.class, GradientEstimators.create(Method.TBPTT, cell, 1, 7));
        assertEquals(7, ((TruncatedBptt) GradientEstimators.create(Method.TBPTT, cell, 1, 7)).truncation());
        assertInstanceOf(OnlineLru.class, GradientEstimators.create(Method.LRU, new LruCell(4, 2), 1, 1));
        for (Method m : Method.values()) {
            Cell c = m == Method.LRU ? new LruCell(4, 2) : cell;
            assertEquals(m, GradientEstimators.create(m, c, 2, 2).method());
        }
    }

    @Test
    void rejectsBadParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientEstimators.create(Method.OK, cell, 0, 1));
        assertTrue(e.getMessage().contains("rank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradientEstimators.create(Method.TBPTT, cell, 1, 0));
        assertTrue(e.getMessage().contains("truncation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradientEstimators.create(null, cell, 1, 1));
        assertTrue(e.getMessage().contains("method"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradientEstimators.create(Method.KF, null, 1, 1));
        assertTrue(e.getMessage().contains("cell"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OkRtrl(cell, -1));
        assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt(cell, 0));
    }

    @Test
    void tbpttHasNoInfluence() {
        assertThrows(UnsupportedOperationException.class,
                () -> GradientEstimators.create(Method.TBPTT, cell, 1, 3).influence(new double[4 * 4 * 7]));
    }
}

package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** writeState/readState restores every estimator so that it continues bit-identically (same Rng state). */
class StateRoundTripTest {

    static byte[] save(GradientEstimator e) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            e.writeState(out);
        }
        return bos.toByteArray();
    }

    static void load(GradientEstimator e, byte[] state) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            e.readState(in);
            assertEquals(-1, in.read(), "readState consumes exactly what writeState wrote");
        }
    }

    private static void roundTrip(Method method, Cell cell, int rank, int truncation) throws IOException {
        ToyProblem pb = ToyProblem.random(cell, 30, 1.3, 41);
        CellStep[] st = pb.forward();
        GradientEstimator a = GradientEstimators.create(method, cell, rank, truncation);
        Rng rngA = new Rng(9);
        double[] grad = new double[pb.w.length];
        for (int t = 0; t < 13; t++) {
            if (t == 6) {
                a.reset();
            }
            a.step(pb.w, st[t], rngA);
            a.gradient(pb.cs[t], grad);
        }
        byte[] state = save(a);
        GradientEstimator b = GradientEstimators.create(method, cell, rank, truncation);
        load(b, state);
        Rng rngB = new Rng(0);
        rngB.setState(rngA.state());
        assertArrayEquals(state, save(b), "re-serialising the restored estimator gives the same bytes");

        boolean hasInfluence = method != Method.TBPTT;
        int gl = cell.hiddenSize() * cell.parameterCount();
        double[] ga = new double[gl];
        double[] gb = new double[gl];
        double[] gradA = new double[pb.w.length];
        double[] gradB = new double[pb.w.length];
        for (int t = 13; t < st.length; t++) {
            if (t == 21) {
                a.reset();
                b.reset();
            }
            a.step(pb.w, st[t], rngA);
            b.step(pb.w, st[t], rngB);
            boolean ra = a.gradient(pb.cs[t], gradA);
            boolean rb = b.gradient(pb.cs[t], gradB);
            assertEquals(ra, rb);
            if (ra) {
                assertBitIdentical(gradA, gradB, method + " gradient at t=" + t);
            }
            if (hasInfluence) {
                a.influence(ga);
                b.influence(gb);
                assertBitIdentical(ga, gb, method + " influence at t=" + t);
            }
        }
        assertEquals(rngA.state(), rngB.state(), "both consumed the same random numbers");
    }

    private static void assertBitIdentical(double[] x, double[] y, String msg) {
        long[] bx = new long[x.length];
        long[] by = new long[y.length];
        for (int i = 0; i < x.length; i++) {
            bx[i] = Double.doubleToLongBits(x[i]);
            by[i] = Double.doubleToLongBits(y[i]);
        }
        assertArrayEquals(bx, by, msg);
    }

    @Test
    void everyEstimatorRestoresBitIdentically() throws IOException {
        for (Cell cell : new Cell[] {new TanhCell(5, 2), new GatedCell(4, 2)}) {
            roundTrip(Method.OK, cell, 3, 1);
            roundTrip(Method.OK, cell, 1, 1);
            roundTrip(Method.KF, cell, 1, 1);
            roundTrip(Method.UORO, cell, 1, 1);
            roundTrip(Method.RTRL, cell, 1, 1);
            roundTrip(Method.TBPTT, cell, 1, 4); // checkpoint falls mid-window (13 steps, T = 4)
            roundTrip(Method.TBPTT, cell, 1, 5);
        }
    }

    @Test
    void okDiagnosticsSurviveRestore() throws IOException {
        ToyProblem pb = ToyProblem.spec(0);
        OkRtrl a = new OkRtrl(pb.cell, 2);
        Rng rng = new Rng(1);
        for (CellStep s : pb.forward()) {
            a.step(pb.w, s, rng);
        }
        OkRtrl b = new OkRtrl(pb.cell, 2);
        load(b, save(a));
        assertEquals(a.lastVariance(), b.lastVariance());
        assertEquals(a.lastMixedSlots(), b.lastMixedSlots());
        assertEquals(a.lastMixedFraction(), b.lastMixedFraction());
    }

    @Test
    void rejectsStateOfAnotherShapeOrType() throws IOException {
        Cell cell = new TanhCell(4, 2);
        byte[] ok3 = save(new OkRtrl(cell, 3));
        assertThrows(IOException.class, () -> load(new OkRtrl(cell, 2), ok3));
        assertThrows(IOException.class, () -> load(new OkRtrl(new TanhCell(5, 2), 3), ok3));
        assertThrows(IOException.class, () -> load(new KfRtrl(cell), ok3));
        assertThrows(IOException.class, () -> load(new OkRtrl(cell, 3, true), ok3));
        byte[] tb = save(new TruncatedBptt(cell, 4));
        assertThrows(IOException.class, () -> load(new TruncatedBptt(cell, 5), tb));
    }
}

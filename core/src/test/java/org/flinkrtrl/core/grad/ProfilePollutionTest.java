package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.flinkrtrl.core.math.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The OK step on the SIMD kernels with the Vector API's shared type profiles polluted. On JDK 17, C2 compiles the
 * kernels' vector operations through the receiver-type profiles of the call sites it inlines, and the convenience
 * methods ({@code add}, {@code fma}, {@code mul}, ...) make their virtual call from inside the JDK's
 * {@code DoubleVector}, a site every vector species in the JVM shares. Vectors of one other species through those
 * methods before the kernels compile, and the step's vectors were boxed on the heap for the JVM's lifetime: 245,824
 * bytes and 16-17 us per step at n = 16 instead of none and 5 us, whichever other species it was. The kernels
 * therefore call {@code lanewise(op, vector)} on the receiver, a virtual call at their own site with their own
 * profile, and a vector that is stored after coming from a load goes through {@code ONE.lanewise(MUL, load)} first
 * (VectorKernels' class comment): 0-576 bytes per step after one or two other species. The bound below fails the
 * convenience-method kernels by a factor of 120. Runs in a JVM of its own
 * (core/pom.xml, execution "profile-pollution"): the pollution would reach the other tests.
 */
class ProfilePollutionTest {
    /**
     * Per step: 0-576 bytes measured (which JVMs leave a residue depends on the order of compilations); 245,824 with
     * the convenience-method kernels.
     */
    private static final long MAX_BYTES_PER_STEP = 2048;

    /**
     * Runs the convenience methods on vectors of a species the kernels do not use (128-bit, or 64-bit where that is
     * the preferred shape), through reflection: the test sources are compiled without the incubator module.
     */
    private static void pollute(int rounds) throws Exception {
        Class<?> dv = Class.forName("jdk.incubator.vector.DoubleVector");
        Class<?> vector = Class.forName("jdk.incubator.vector.Vector");
        Class<?> species = Class.forName("jdk.incubator.vector.VectorSpecies");
        Class<?> ops = Class.forName("jdk.incubator.vector.VectorOperators");
        Object preferred = dv.getField("SPECIES_PREFERRED").get(null);
        Object foreign = dv.getField("SPECIES_128").get(null);
        if (foreign.equals(preferred)) {
            foreign = dv.getField("SPECIES_64").get(null);
        }
        int lanes = (Integer) species.getMethod("length").invoke(foreign);
        java.lang.reflect.Method fromArray = dv.getMethod("fromArray", species, double[].class, int.class);
        java.lang.reflect.Method add = dv.getMethod("add", vector);
        java.lang.reflect.Method addScalar = dv.getMethod("add", double.class);
        java.lang.reflect.Method sub = dv.getMethod("sub", vector);
        java.lang.reflect.Method mul = dv.getMethod("mul", vector);
        java.lang.reflect.Method mulScalar = dv.getMethod("mul", double.class);
        java.lang.reflect.Method div = dv.getMethod("div", vector);
        java.lang.reflect.Method fma = dv.getMethod("fma", vector, vector);
        java.lang.reflect.Method neg = dv.getMethod("neg");
        java.lang.reflect.Method abs = dv.getMethod("abs");
        java.lang.reflect.Method reduce =
            dv.getMethod("reduceLanes", Class.forName("jdk.incubator.vector.VectorOperators$Associative"));
        java.lang.reflect.Method intoArray = dv.getMethod("intoArray", double[].class, int.class);
        Object plus = ops.getField("ADD").get(null);
        double[] a = new double[lanes];
        double[] b = new double[lanes];
        java.util.Arrays.fill(a, 0.5);
        java.util.Arrays.fill(b, 2.0);
        double sink = 0;
        for (int i = 0; i < rounds; i++) {
            Object x = fromArray.invoke(null, foreign, a, 0);
            Object y = fromArray.invoke(null, foreign, b, 0);
            Object z = fma.invoke(x, y, x);
            z = add.invoke(z, y);
            z = sub.invoke(z, x);
            z = mul.invoke(z, y);
            z = div.invoke(z, y);
            z = addScalar.invoke(z, 1.0);
            z = mulScalar.invoke(z, 0.5);
            z = abs.invoke(neg.invoke(z));
            sink += (Double) reduce.invoke(z, plus);
            intoArray.invoke(z, b, 0);
        }
        assertTrue(sink > 0);
    }

    @Test
    void okStepStaysUnboxedAfterAnotherSpeciesUsedTheSharedMethods() throws Exception {
        assumeSimdKernels();
        // another species' vectors through the shared convenience methods, before the kernels' first compilation
        pollute(20_000);
        long allocated = SteadyAllocation.bytes(AllocationTest.okStep(), 3000, MAX_BYTES_PER_STEP, 2000);
        assertTrue(allocated < 2000L * MAX_BYTES_PER_STEP, "2000 steps allocated " + allocated + " bytes after"
            + " another species used the Vector API's shared methods (bound " + MAX_BYTES_PER_STEP + " per step)");
    }

    private static void assumeSimdKernels() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "no Vector API in this JVM");
        assumeTrue(Kernels.get().name().startsWith("vector"), "the SIMD kernels are not in use");
    }

    /**
     * Per LRU step: 384-1,152 (linear readout) and 576-1,344 bytes (MLP readout) measured after 128-bit vectors (some
     * reinterpreted vectors, gathers and scatters still depend on the JDK's shared sites); 12,512 and 42,320 with the
     * convenience-method LRU kernels.
     */
    private static final long MAX_LRU_BYTES_PER_STEP = 4096;

    /** The LRU learner's whole step (cell, traces, readout, Adam) on the SIMD LRU kernels, after the same pollution. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"16, 2, 1, 0", "16, 2, 1, 16", "8, 4, 2, 8"})
    void lruStepStaysUnboxedAfterAnotherSpeciesUsedTheSharedMethods(int units, int inputs, int outputs,
                                                                        int readoutWidth) throws Exception {
        assumeSimdKernels();
        pollute(20_000);
        org.flinkrtrl.core.learner.OnlineLearner l = AllocationTest.lruLearner(units, inputs, outputs, readoutWidth);
        double[] x = new double[inputs];
        double[] target = new double[outputs];
        int[] t = {0};
        long allocated = SteadyAllocation.bytes(() -> AllocationTest.lruEvent(l, x, target, t[0]++), 20_000,
            MAX_LRU_BYTES_PER_STEP, 4000);
        assertTrue(allocated < 4000L * MAX_LRU_BYTES_PER_STEP, "4000 LRU learner steps (N=" + units + ", n_x="
            + inputs + ", readout " + readoutWidth + ") allocated " + allocated + " bytes after another species used"
            + " the Vector API's shared methods (bound " + MAX_LRU_BYTES_PER_STEP + " per step)");
    }
}

package org.flinkrtrl.core.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The per-source mixture of next-event predictions: the network's (renormalised over the classes in use), the
 * order-2 context counts' and the order-0 counts' ({@link ContextCounts}), each event's probability
 * <pre>  p(w) = sum_k a_k p_k(w),   a_k proportional to exp(-L_k),   L_k &lt;- {@value #DECAY} L_k - ln p_k(w_t)</pre>
 * where L_k is component k's log-loss (nats) over the recent events, discounted by {@value #DECAY} per event (a
 * Bayesian mixture that forgets, so the weight moves to whichever component has predicted the last ten or so
 * events best). All components score the same targets: the type's vocabulary class, or the unseen class at a first
 * sight. Allocation-free. Not thread-safe.
 */
public final class NextTypeMixture {
    public static final int COMPONENTS = 3;
    public static final int NETWORK = 0;
    public static final int CONTEXT = 1;
    public static final int FREQUENCY = 2;
    /** Per-event discount of the components' log-loss. */
    public static final double DECAY = 0.9;
    private final ContextCounts counts = new ContextCounts();
    private final double[] loss = new double[COMPONENTS];
    private final double[] weight = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    /** The components' probabilities of the latest scored event. */
    private final double[] last = new double[COMPONENTS];

    /**
     * The mixture's probability of class {@code w} next, given the network's (renormalised) probability of it and
     * {@code classes} classes in use.
     */
    public double probability(int w, int classes, double network) {
        return weight[NETWORK] * network + weight[CONTEXT] * counts.probability(w, classes, 2)
            + weight[FREQUENCY] * counts.probability(w, classes, 0);
    }

    /**
     * Scores class {@code w} (the network gave it {@code network}) with the current weights, then updates the
     * weights from each component's loss on it; the components' probabilities are then in {@link #component}.
     *
     * @return the mixture's probability of {@code w}
     */
    public double score(int w, int classes, double network) {
        last[NETWORK] = network;
        last[CONTEXT] = counts.probability(w, classes, 2);
        last[FREQUENCY] = counts.probability(w, classes, 0);
        double p = 0.0;
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < COMPONENTS; k++) {
            p += weight[k] * last[k];
            loss[k] = DECAY * loss[k] - Math.log(Math.max(last[k], Double.MIN_VALUE));
            min = Math.min(min, loss[k]);
        }
        double z = 0.0;
        for (int k = 0; k < COMPONENTS; k++) {
            weight[k] = Math.exp(min - loss[k]);
            z += weight[k];
        }
        for (int k = 0; k < COMPONENTS; k++) {
            weight[k] /= z;
        }
        return p;
    }

    /** Counts the event's scored class, then conditions the next prediction on the class it now has. */
    public void learn(int scoredClass, int inputClass) {
        counts.observe(scoredClass);
        counts.push(inputClass);
    }

    /** Component k's probability of the latest scored event. */
    public double component(int k) { return last[k]; }
    /** Component k's current weight. */
    public double weight(int k) { return weight[k]; }
    public ContextCounts counts() { return counts; }

    void write(DataOutput o) throws IOException {
        for (int k = 0; k < COMPONENTS; k++) {
            o.writeDouble(loss[k]);
            o.writeDouble(weight[k]);
            o.writeDouble(last[k]);
        }
        counts.write(o);
    }

    void read(DataInput in) throws IOException {
        for (int k = 0; k < COMPONENTS; k++) {
            loss[k] = in.readDouble();
            weight[k] = in.readDouble();
            last[k] = in.readDouble();
        }
        counts.read(in);
    }
}

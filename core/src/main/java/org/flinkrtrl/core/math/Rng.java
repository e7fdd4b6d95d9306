package org.flinkrtrl.core.math;

/**
 * Seeded SplitMix64 generator whose entire state is one {@code long}, so it can be checkpointed with the
 * model and a restored learner draws exactly the numbers the uninterrupted one would have drawn.
 *
 * <p>Not thread-safe; one instance per learner (per stream). No cached values (e.g. no spare Gaussian),
 * so {@link #state()} is the complete state.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** Derives an independent generator for a sub-stream (e.g. one key) from a seed and a stream id. */
    public static Rng forStream(long seed, long streamId) {
        Rng base = new Rng(seed ^ mix(streamId + GOLDEN));
        return new Rng(base.nextLong());
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Rademacher sign: -1 or +1 with probability 1/2 each. */
    public double nextSign() {
        return nextLong() < 0 ? -1.0 : 1.0;
    }

    /** Standard normal by Box-Muller (uses two uniforms, caches nothing). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}

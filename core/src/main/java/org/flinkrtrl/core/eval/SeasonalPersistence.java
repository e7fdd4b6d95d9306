package org.flinkrtrl.core.eval;

import java.util.Arrays;

/**
 * Seasonal persistence: the next event is forecast as the value {@code lag} events back from it (lag 1 is plain
 * persistence, lag = one day or one week of events the seasonal naive forecast). NaN until the history holds it.
 * Memory: {@code lag} events.
 */
public final class SeasonalPersistence implements Baseline {
    private final String name;
    private final int lag;
    private final int dims;
    private final double[] ring;
    private final double[] out;
    private long count;

    public SeasonalPersistence(String name, int lag, int dims) {
        if (lag < 1) {
            throw new IllegalArgumentException("lag must be >= 1, got " + lag);
        }
        this.name = name;
        this.lag = lag;
        this.dims = dims;
        this.ring = new double[lag * dims];
        this.out = new double[dims];
        Arrays.fill(out, Double.NaN);
    }

    /** Plain persistence: the next value is the last one. */
    public static SeasonalPersistence persistence(int dims) {
        return new SeasonalPersistence("persistence", 1, dims);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double[] forecast() {
        return out;
    }

    @Override
    public void observe(double[] values) {
        int slot = (int) (count % lag) * dims;
        System.arraycopy(values, 0, ring, slot, dims);
        count++;
        if (count >= lag) {
            // the value lag - 1 events before this one is lag events before the next
            int from = (int) ((count - lag) % lag) * dims;
            System.arraycopy(ring, from, out, 0, dims);
        }
    }
}

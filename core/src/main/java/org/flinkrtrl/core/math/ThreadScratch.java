package org.flinkrtrl.core.math;

import java.util.Arrays;

/**
 * Per-thread work buffers shared by every object of one shape on that thread, instead of one set per object:
 * with one model per key, buffers that only live within a step (products, factorisations, gradients) need not be
 * held per key. The buffers must carry nothing from one step to the next; a step overwrites what it reads.
 *
 * <p>Each thread keeps the last {@value #SLOTS} shapes it used, most recent first. Looking one up allocates
 * nothing; a shape seen for the first time on a thread (or evicted by {@value #SLOTS} others) costs one set of
 * buffers. Thread-safe by construction: a thread only ever sees its own buffers.
 *
 * @param <S> the buffer set
 */
public final class ThreadScratch<S> {
    /** Shapes remembered per thread. */
    public static final int SLOTS = 4;

    private final ThreadLocal<Object[]> slots = ThreadLocal.withInitial(() -> new Object[2 * SLOTS]);

    /** The calling thread's buffers for {@code shape}, or null when it has none yet ({@link #put} them). */
    @SuppressWarnings("unchecked")
    public S get(Shape shape) {
        Object[] s = slots.get();
        for (int i = 0; i < SLOTS; i++) {
            Object k = s[2 * i];
            if (k == null) {
                return null;
            }
            if (k == shape || shape.equals(k)) {
                Object v = s[2 * i + 1];
                if (i > 0) {
                    System.arraycopy(s, 0, s, 2, 2 * i);
                    s[0] = k;
                    s[1] = v;
                }
                return (S) v;
            }
        }
        return null;
    }

    /** Makes {@code buffers} the calling thread's set for {@code shape} (most recent; the oldest may be evicted). */
    public S put(Shape shape, S buffers) {
        Object[] s = slots.get();
        System.arraycopy(s, 0, s, 2, 2 * (SLOTS - 1));
        s[0] = shape;
        s[1] = buffers;
        return buffers;
    }

    /**
     * The dimensions (and, when buffers hold one, the object they work with, e.g. the kernels) that determine a
     * buffer set; equal shapes share buffers. Immutable.
     */
    public static final class Shape {
        private final Object with;
        private final int[] dims;
        private final int hash;

        /** @param with null, or what the buffers work with, compared with {@code equals} */
        public Shape(Object with, int... dims) {
            this.with = with;
            this.dims = dims.clone();
            this.hash = 31 * Arrays.hashCode(this.dims) + (with == null ? 0 : with.hashCode());
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Shape)) {
                return false;
            }
            Shape s = (Shape) o;
            return s.hash == hash && java.util.Objects.equals(s.with, with) && Arrays.equals(s.dims, dims);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return (with == null ? "" : with + " ") + Arrays.toString(dims);
        }
    }
}

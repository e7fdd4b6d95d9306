package org.flinkrtrl.core.grad;

/** The gradient estimators the learner can use. */
public enum Method {
    /** r-OK: Optimal Kronecker-sum approximation of rank r (spec C.5, C.6). */
    OK,
    /** KF-RTRL: one Kronecker term, two random signs (spec C.3). */
    KF,
    /** UORO: rank-one random projection (spec C.2). */
    UORO,
    /** Exact RTRL, n^4 per step (spec B). */
    RTRL,
    /** Truncated BPTT over windows of T steps, one update per window (the update lock). */
    TBPTT,
    /**
     * Online LRU: a complex diagonal linear recurrence with its exact online gradient and an MLP readout
     * (docs/spec-lru.md). Brings its own cell ({@link org.flinkrtrl.core.cell.LruCell}); the cell setting is not used.
     */
    LRU;

    /** The names {@link #parse} accepts, for messages. */
    public static final String NAMES = "ok, kf, uoro, rtrl, tbptt, lru";

    public static Method parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace("-", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown method '" + s + "'; expected one of " + NAMES);
        }
    }
}

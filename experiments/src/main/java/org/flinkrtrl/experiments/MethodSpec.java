package org.flinkrtrl.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelSettings;

/**
 * One method of a comparison, parsed from a short token: {@code ok4} or {@code ok:4} (r-OK with r = 4), {@code kf},
 * {@code uoro}, {@code rtrl}, {@code tbptt} (window from the runner's --truncation) or {@code tbptt8} (window 8), and
 * {@code lru} (the online LRU: its own cell and readout, exact online gradient; the runner's --cell is not used) with
 * the configured readout (linear by default), or {@code lrumlpF} with an MLP readout of F tanh features.
 */
public final class MethodSpec {
    public final Method method;
    public final int rank;
    /** TBPTT window, or 0 to use the runner's default. */
    public final int truncation;
    public final String label;
    /** The LRU's readout width ({@code lruReadoutWidth}: 0 = linear, F = an MLP of F features). */
    public final int lruReadoutWidth;

    private MethodSpec(Method method, int rank, int truncation, String label) {
        this(method, rank, truncation, label, ModelSettings.LRU_READOUT_WIDTH.defaultValue());
    }

    private MethodSpec(Method method, int rank, int truncation, String label, int lruReadoutWidth) {
        this.method = method;
        this.rank = rank;
        this.truncation = truncation;
        this.label = label;
        this.lruReadoutWidth = lruReadoutWidth;
    }

    public static MethodSpec parse(String token, int defaultTruncation) {
        String t = token.trim().toLowerCase(Locale.ROOT).replace(":", "").replace("-", "");
        if (t.startsWith("ok")) {
            int r = t.length() > 2 ? Integer.parseInt(t.substring(2)) : 1;
            return new MethodSpec(Method.OK, r, defaultTruncation, "OK r=" + r);
        }
        if (t.startsWith("tbptt")) {
            int w = t.length() > 5 ? Integer.parseInt(t.substring(5)) : defaultTruncation;
            return new MethodSpec(Method.TBPTT, 1, w, "TBPTT T=" + w);
        }
        if (t.startsWith("lrumlp")) {
            int f = Integer.parseInt(t.substring(6));
            return new MethodSpec(Method.LRU, 1, defaultTruncation, "online LRU, MLP readout F=" + f, f);
        }
        switch (t) {
            case "kf":
            case "kfrtrl":
                return new MethodSpec(Method.KF, 1, defaultTruncation, "KF-RTRL");
            case "uoro":
                return new MethodSpec(Method.UORO, 1, defaultTruncation, "UORO");
            case "rtrl":
                return new MethodSpec(Method.RTRL, 1, defaultTruncation, "RTRL (exact)");
            case "lru":
                return new MethodSpec(Method.LRU, 1, defaultTruncation, "online LRU");
            default:
                throw new IllegalArgumentException("unknown method '" + token + "'; use okR, kf, uoro, rtrl, tbptt[T], lru, lrumlpF");
        }
    }

    public static List<MethodSpec> parseAll(List<String> tokens, int defaultTruncation) {
        List<MethodSpec> out = new ArrayList<>();
        for (String s : tokens) {
            out.add(parse(s, defaultTruncation));
        }
        return out;
    }

    /** File-name-safe key, e.g. ok4, kf, tbptt8. */
    public String key() {
        switch (method) {
            case OK: return "ok" + rank;
            case TBPTT: return "tbptt" + truncation;
            case LRU: return lruReadoutWidth > 0 ? "lrumlp" + lruReadoutWidth : "lru";
            default: return method.name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}

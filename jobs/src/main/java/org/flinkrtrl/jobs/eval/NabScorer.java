package org.flinkrtrl.jobs.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Numenta Anomaly Benchmark's windowed detection score (Lavin and Ahmad 2015; NAB v1.1 scoring rules),
 * implemented in Java from NAB's documented rules so that a bounded run can score itself. It gives the same figures
 * as NAB's own scorer (pinned against it on the NAB dev files).
 *
 * <p>Rules, per series of n rows with anomaly windows [start, end] given as row timestamps:
 * <ul>
 *   <li>the first min(floor(0.15 n), 750) rows are probationary and not scored;</li>
 *   <li>a row inside a window at index i scores, if detected, tpWeight * S(-(right - i + 1) / width) / S(-1), where
 *       S(x) = 2 sigmoid(-5x) - 1 (S(x) = -1 for x &gt; 3), right is the window's last index and width its length;
 *       only the window's best (earliest) detection counts, and a window without one costs -fnWeight;</li>
 *   <li>a detected row outside every window costs fpWeight * S((i - right) / (width - 1)) relative to the previous
 *       window, or -fpWeight when no window precedes it;</li>
 *   <li>one threshold is chosen for the whole corpus: the distinct score value (or 1.1, detecting nothing) that
 *       maximises the summed score, the highest such threshold on ties; a row is a detection when its score is at or
 *       above the threshold;</li>
 *   <li>normalised score = 100 (S - S_null) / (S_perfect - S_null), where S_null is the same procedure on a constant
 *       score of 0.5 and S_perfect = tpWeight * number of windows.</li>
 * </ul>
 *
 * <p>NAB: Copyright 2014-2024 Numenta Inc., MIT licence (https://github.com/numenta/NAB).
 */
public final class NabScorer {
    private static final double NO_DETECTION = 1.1;
    private static final int PROBATION = -2;
    private static final int OUTSIDE = -1;

    /** NAB's cost profiles. */
    public enum Profile {
        STANDARD("standard", 1.0, 0.11, 1.0),
        REWARD_LOW_FP_RATE("reward_low_FP_rate", 1.0, 0.22, 1.0),
        REWARD_LOW_FN_RATE("reward_low_FN_rate", 1.0, 0.11, 2.0);

        public final String nabName;
        public final double tpWeight;
        public final double fpWeight;
        public final double fnWeight;

        Profile(String nabName, double tp, double fp, double fn) {
            this.nabName = nabName;
            this.tpWeight = tp;
            this.fpWeight = fp;
            this.fnWeight = fn;
        }
    }

    /** One labelled series: row timestamps (any unit, compared for equality), scores in [0, 1], windows as {start, end}. */
    public record Series(String name, long[] timestamps, double[] scores, long[][] windows) {
        public Series {
            if (timestamps.length != scores.length) {
                throw new IllegalArgumentException(name + ": " + timestamps.length + " timestamps, " + scores.length + " scores");
            }
        }
    }

    /** One series at the chosen threshold: its raw score and record counts outside the probationary period. */
    public record FileScore(String name, double score, int tp, int tn, int fp, int fn) {}

    /** A profile's outcome over the corpus. */
    public record Result(Profile profile, double threshold, double score, double nullScore, double perfectScore,
                         int tp, int tn, int fp, int fn, List<FileScore> files) {
        /** 100 (S - S_null) / (S_perfect - S_null). */
        public double normalised() {
            return 100.0 * (score - nullScore) / (perfectScore - nullScore);
        }
    }

    private NabScorer() {}

    /** Scores the corpus under every profile. */
    public static Map<Profile, Result> scoreAll(List<Series> corpus) {
        Map<Profile, Result> out = new LinkedHashMap<>();
        for (Profile p : Profile.values()) {
            out.put(p, score(corpus, p));
        }
        return out;
    }

    public static Result score(List<Series> corpus, Profile profile) {
        int windows = 0;
        List<Series> nulls = new ArrayList<>(corpus.size());
        for (Series s : corpus) {
            windows += s.windows().length;
            double[] half = new double[s.scores().length];
            Arrays.fill(half, 0.5);
            nulls.add(new Series(s.name(), s.timestamps(), half, s.windows()));
        }
        Scored detector = optimiseAndScore(corpus, profile);
        Scored nul = optimiseAndScore(nulls, profile);
        return new Result(profile, detector.threshold, detector.total, nul.total, windows * profile.tpWeight,
            detector.tp, detector.tn, detector.fp, detector.fn, detector.files);
    }

    private record Scored(double threshold, double total, int tp, int tn, int fp, int fn, List<FileScore> files) {}

    private static Scored optimiseAndScore(List<Series> corpus, Profile profile) {
        List<Point> all = new ArrayList<>();
        List<List<Point>> perFile = new ArrayList<>();
        int windowBase = 0;
        for (Series s : corpus) {
            List<Point> pts = sweep(s, profile, windowBase);
            windowBase += s.windows().length;
            perFile.add(pts);
            all.addAll(pts);
        }
        List<Row> rows = byThreshold(all, windowBase, profile);
        Row best = rows.get(0);
        for (Row r : rows) {
            if (r.score > best.score) {
                best = r;
            }
        }
        double threshold = best.threshold;
        double total = 0.0;
        int tp = 0, tn = 0, fp = 0, fn = 0;
        List<FileScore> files = new ArrayList<>();
        for (int f = 0; f < corpus.size(); f++) {
            Row m = match(byThreshold(perFile.get(f), windowBase, profile), threshold);
            files.add(new FileScore(corpus.get(f).name(), m.score, m.tp, m.tn, m.fp, m.fn));
            total += m.score;
            tp += m.tp;
            tn += m.tn;
            fp += m.fp;
            fn += m.fn;
        }
        return new Scored(threshold, total, tp, tn, fp, fn, Collections.unmodifiableList(files));
    }

    /** The row for {@code threshold}: the one at it, else the last one above it (all detections at or above it). */
    private static Row match(List<Row> rows, double threshold) {
        Row prev = null;
        for (Row r : rows) {
            if (r.threshold == threshold) {
                return r;
            }
            if (r.threshold < threshold) {
                return prev;
            }
            prev = r;
        }
        return prev;
    }

    private record Point(double anomaly, double sweep, int window) {}

    private record Row(double threshold, double score, int tp, int tn, int fp, int fn) {}

    static double scaledSigmoid(double relativePosition) {
        if (relativePosition > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
    }

    private static int indexOf(long[] ts, long t) {
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == t) {
                return i;
            }
        }
        throw new IllegalArgumentException("window limit " + t + " is not a row timestamp");
    }

    /** Each row's sweep score and window (global window index, {@link #OUTSIDE} or {@link #PROBATION}). */
    private static List<Point> sweep(Series s, Profile p, int windowBase) {
        long[] ts = s.timestamps();
        double[] scores = s.scores();
        long[][] windows = s.windows();
        double maxTp = scaledSigmoid(-1.0);
        double probation = Math.min(Math.floor(0.15 * ts.length), 0.15 * 5000);
        int next = 0;
        int cur = -1;
        int curRight = -1;
        double curWidth = 0;
        int prevRight = -1;
        double prevWidth = 0;
        List<Point> out = new ArrayList<>(ts.length);
        for (int i = 0; i < ts.length; i++) {
            double score = scores[i];
            if (!(score >= 0.0 && score <= 1.0)) {
                throw new IllegalArgumentException(s.name() + " row " + i + ": score " + score + " is not in [0, 1]");
            }
            if (next < windows.length && ts[i] == windows[next][0]) {
                cur = next++;
                curRight = indexOf(ts, windows[cur][1]);
                curWidth = curRight - indexOf(ts, windows[cur][0]) + 1;
            }
            double weighted;
            if (cur >= 0) {
                double position = -(curRight - i + 1) / curWidth;
                weighted = scaledSigmoid(position) * p.tpWeight / maxTp;
            } else {
                double unweighted = prevRight < 0 ? -1.0 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1.0));
                weighted = unweighted * p.fpWeight;
            }
            int window = i >= probation ? (cur >= 0 ? windowBase + cur : OUTSIDE) : PROBATION;
            out.add(new Point(score, weighted, window));
            if (cur >= 0 && ts[i] == windows[cur][1]) {
                prevRight = i;
                prevWidth = curWidth;
                cur = -1;
            }
        }
        return out;
    }

    /** One row per distinct score (from 1.1 downwards): the score and counts with detections at or above it. */
    private static List<Row> byThreshold(List<Point> points, int windowCount, Profile p) {
        List<Point> scorable = new ArrayList<>(points.size());
        for (Point pt : points) {
            if (pt.window != PROBATION) {
                scorable.add(pt);
            }
        }
        scorable.sort((a, b) -> Double.compare(b.anomaly, a.anomaly));
        // window parts in order of first appearance in the sorted list, summed after the false-positive part
        double[] part = new double[windowCount];
        int[] order = new int[windowCount];
        boolean[] seen = new boolean[windowCount];
        int parts = 0;
        for (Point pt : scorable) {
            if (pt.window >= 0 && !seen[pt.window]) {
                seen[pt.window] = true;
                part[pt.window] = -p.fnWeight;
                order[parts++] = pt.window;
            }
        }
        double fpPart = 0.0;
        int tn = 0, fn = 0, tp = 0, fp = 0;
        for (Point pt : scorable) {
            if (pt.window == OUTSIDE) {
                tn++;
            } else {
                fn++;
            }
        }
        List<Row> rows = new ArrayList<>();
        double threshold = NO_DETECTION;
        for (Point pt : scorable) {
            if (pt.anomaly != threshold) {
                rows.add(new Row(threshold, sum(fpPart, part, order, parts), tp, tn, fp, fn));
                threshold = pt.anomaly;
            }
            if (pt.window == OUTSIDE) {
                fp++;
                tn--;
                fpPart += pt.sweep;
            } else {
                tp++;
                fn--;
                part[pt.window] = Math.max(part[pt.window], pt.sweep);
            }
        }
        rows.add(new Row(threshold, sum(fpPart, part, order, parts), tp, tn, fp, fn));
        return rows;
    }

    private static double sum(double fpPart, double[] part, int[] order, int parts) {
        double s = 0.0 + fpPart;
        for (int k = 0; k < parts; k++) {
            s += part[order[k]];
        }
        return s;
    }
}

package org.flinkrtrl.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NabScorerTest {
    /**
     * The NAB dev files: -Dnab.dev=DIR, else the copy vendored in this module's test resources (MIT, Numenta; see its
     * README), else shared/data/nab-dev in a parent of the working directory.
     */
    static Path devDir() {
        String p = System.getProperty("nab.dev");
        if (p != null) {
            return Paths.get(p);
        }
        Path vendored = Paths.get("src/test/resources/nab-dev");
        if (Files.isRegularFile(vendored.resolve("windows.json"))) {
            return vendored;
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("shared/data/nab-dev");
            if (Files.isRegularFile(c.resolve("windows.json"))) {
                return c;
            }
        }
        return null;
    }

    @Test
    void scaledSigmoidHasNabsAnchors() {
        assertEquals(0.98661429815143, NabScorer.scaledSigmoid(-1.0), 1e-12);
        assertEquals(0.84828363995751, NabScorer.scaledSigmoid(-0.5), 1e-12);
        assertEquals(0.0, NabScorer.scaledSigmoid(0.0), 0.0);
        assertEquals(-1.0, NabScorer.scaledSigmoid(3.5), 0.0);
    }

    /**
     * A hand-worked corpus of one series, 20 rows (probation floor(0.15 * 20) = 3 rows), one window over rows 10..13
     * (width 4). Detections at rows 11 (score 0.9) and 16 (score 0.8) and 5 (score 0.7), the rest 0.1.
     * Row 11: position -(13 - 11 + 1)/4 = -0.75, S = 2 sigmoid(3.75) - 1, weighted by 1 / S(-1).
     * Row 16: 3 rows past the window end, position 3/3 = 1, S(1) * 0.11. Row 5: no window before it, -0.11.
     */
    @Test
    void handWorkedSeries() {
        long[] ts = new long[20];
        double[] s = new double[20];
        for (int i = 0; i < 20; i++) {
            ts[i] = 1000L * i;
            s[i] = 0.1;
        }
        s[11] = 0.9;
        s[16] = 0.8;
        s[5] = 0.7;
        NabScorer.Series series = new NabScorer.Series("a", ts, s, new long[][] {{10_000L, 13_000L}});
        NabScorer.Result r = NabScorer.score(List.of(series), NabScorer.Profile.STANDARD);
        double tp = (2 / (1 + Math.exp(-3.75)) - 1) / (2 / (1 + Math.exp(-5.0)) - 1);
        // candidates: 1.1 -> -1; 0.9 -> tp; 0.8 -> tp + 0.11 S(1) (negative); lower ones add more false positives
        assertEquals(0.9, r.threshold(), 0.0);
        assertEquals(tp, r.score(), 1e-15);
        // the null detector (0.5 everywhere) at its best threshold 0.5: rows 3..9 are false positives with no window
        // before them (-0.11 each), row 10 opens the window (+1), rows 14..19 are false positives (i - 13)/3 past it
        double nul = -7 * 0.11 + 1.0;
        for (int i = 14; i < 20; i++) {
            nul += 0.11 * NabScorer.scaledSigmoid((i - 13) / 3.0);
        }
        assertEquals(nul, r.nullScore(), 1e-15);
        assertEquals(1.0, r.perfectScore(), 0.0);
        assertEquals(1, r.tp());
        assertEquals(0, r.fp());
        assertEquals(3, r.fn());
        assertEquals(13, r.tn());
        assertEquals(100 * (tp - nul) / (1 - nul), r.normalised(), 1e-12);
    }

    /** Against NAB's own scorer on the dev files (reference figures and the command in nab/reference-scores.txt). */
    @Test
    void matchesNabsScorerOnTheDevFiles() throws IOException {
        Path dir = devDir();
        assumeTrue(dir != null, "NAB dev files not found (set -Dnab.dev=DIR)");
        NabCorpus corpus = NabCorpus.read(dir);
        Map<String, List<String[]>> expected = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                NabScorerTest.class.getResourceAsStream("/nab/reference-scores.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.trim().split(" +");
                    expected.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f);
                }
            }
        }
        assertEquals(2, expected.size());
        int checked = 0;
        for (Map.Entry<String, List<String[]>> e : expected.entrySet()) {
            Map<NabScorer.Profile, NabScorer.Result> results =
                NabScorer.scoreAll(corpus.withScores(NabFixtureScores.scores(corpus, e.getKey())));
            for (String[] f : e.getValue()) {
                NabScorer.Result res = results.get(profile(f[2]));
                if (f[1].equals("profile")) {
                    String what = e.getKey() + " " + f[2];
                    assertEquals(Double.parseDouble(f[3]), res.normalised(), 1e-6, what);
                    // NAB reads the scores back through pandas' CSV parser, which can land one ulp away
                    assertEquals(Double.parseDouble(f[4]), res.threshold(), 1e-15, what);
                    assertEquals(Double.parseDouble(f[5]), res.score(), 1e-9, what);
                    assertEquals(Integer.parseInt(f[6]), res.tp(), what);
                    assertEquals(Integer.parseInt(f[7]), res.tn(), what);
                    assertEquals(Integer.parseInt(f[8]), res.fp(), what);
                    assertEquals(Integer.parseInt(f[9]), res.fn(), what);
                } else {
                    NabScorer.FileScore fs = res.files().stream().filter(x -> x.name().equals(f[3])).findFirst().orElseThrow();
                    assertEquals(Double.parseDouble(f[4]), fs.score(), 1e-9, f[3]);
                    assertEquals(Integer.parseInt(f[5]), fs.tp(), f[3]);
                    assertEquals(Integer.parseInt(f[6]), fs.tn(), f[3]);
                    assertEquals(Integer.parseInt(f[7]), fs.fp(), f[3]);
                    assertEquals(Integer.parseInt(f[8]), fs.fn(), f[3]);
                }
                checked++;
            }
        }
        assertEquals(2 * (3 + 18), checked);
    }

    private static NabScorer.Profile profile(String nabName) {
        for (NabScorer.Profile p : NabScorer.Profile.values()) {
            if (p.nabName.equals(nabName)) {
                return p;
            }
        }
        throw new IllegalArgumentException(nabName);
    }
}

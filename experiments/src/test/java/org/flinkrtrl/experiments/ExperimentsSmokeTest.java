package org.flinkrtrl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seconds-long versions of every experiment runner on the vendored text excerpt (never on /work/shared): the
 * CSV, PNG and markdown outputs must exist and be sane.
 */
class ExperimentsSmokeTest {
    @TempDir
    Path dir;

    static Path excerpt() throws Exception {
        return Paths.get(ExperimentsSmokeTest.class.getResource("/text/moby-dick-20k.txt").toURI());
    }

    static List<String[]> readCsv(Path file, String header) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(header, lines.get(0), "CSV header of " + file);
        List<String[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            rows.add(l.split(","));
        }
        return rows;
    }

    static void assertPng(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, "PNG decodes: " + file);
        assertEquals(Results.WIDTH, img.getWidth());
        assertEquals(Results.HEIGHT, img.getHeight());
    }

    static String assertMarkdown(Path file, String... mustContain) throws IOException {
        String md = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(md.contains("| method |"), "markdown has the results table: " + file);
        assertTrue(md.contains("experiments/run-experiment.sh "), "markdown has the regeneration command");
        for (String s : mustContain) {
            assertTrue(md.contains(s), "markdown mentions '" + s + "'");
        }
        return md;
    }

    @Test
    void copyTask() throws Exception {
        CopyTask.main(new String[] {"--out", dir.toString(), "--hidden", "4", "--steps", "2000", "--log-every", "200",
            "--methods", "ok2,kf,uoro,tbptt4", "--seeds", "1,2"});
        List<String[]> rows = readCsv(dir.resolve("copy.csv"), "method,seed,step,level,ema_bits");
        assertEquals(4 * 2 * (1 + 2000 / 200), rows.size());
        for (String[] r : rows) {
            int level = Integer.parseInt(r[3]);
            double ema = Double.parseDouble(r[4]);
            assertTrue(level >= 1, "level >= 1");
            assertTrue(Double.isFinite(ema) && ema >= 0, "finite EMA loss");
        }
        assertPng(dir.resolve("copy.png"));
        assertMarkdown(dir.resolve("copy.md"), "OK r=2", "KF-RTRL", "UORO", "TBPTT T=4");
    }

    @Test
    void batchedCopyTaskAndCharLm() throws Exception {
        CopyTask.main(new String[] {"--out", dir.toString(), "--hidden", "4", "--steps", "400", "--log-every", "100",
            "--methods", "ok2,tbptt4", "--seeds", "1", "--batch", "3", "--update-period", "2"});
        assertEquals(2 * (1 + 400 / 100), readCsv(dir.resolve("copy.csv"), "method,seed,step,level,ema_bits").size());
        assertTrue(Files.readString(dir.resolve("copy.md")).contains("b = 3 streams per method and seed"));
        CharLm.main(new String[] {"--text", excerpt().toString(), "--out", dir.toString(), "--hidden", "8",
            "--steps", "600", "--eval-every", "200", "--eval-chars", "500", "--final-eval-chars", "1500",
            "--methods", "ok2,tbptt5", "--batch", "4", "--update-period", "3"});
        List<String[]> rows = readCsv(dir.resolve("charlm.csv"), "method,step,train_bpc,eval_bpc");
        assertEquals(2 * (1 + 3), rows.size());
        String md = assertMarkdown(dir.resolve("charlm.md"), "OK r=2", "TBPTT T=5");
        // 600 characters over 4 streams: 150 steps, one update per 3 (OK) or per 3 windows of 5 (TBPTT)
        assertTrue(md.contains("| OK r=2 |") && md.matches("(?s).*\\| OK r=2 \\| [^|]+\\| [^|]+\\| 50 \\|.*"), md);
        assertTrue(md.matches("(?s).*\\| TBPTT T=5 \\| [^|]+\\| [^|]+\\| 10 \\|.*"), md);
    }

    @Test
    void charLm() throws Exception {
        CharLm.main(new String[] {"--text", excerpt().toString(), "--out", dir.toString(), "--hidden", "8",
            "--steps", "600", "--eval-every", "200", "--eval-chars", "500", "--final-eval-chars", "1500",
            "--methods", "ok2,kf,uoro,tbptt10"});
        TextData data = TextData.load(excerpt(), 0.9, 0);
        double maxBits = Math.log(data.vocab.length) / Math.log(2);
        assertTrue(data.vocab.length > 20 && data.vocab.length < 100, "plausible vocabulary");
        for (char c : data.vocab) {
            assertTrue(c < 128, "ASCII after mapping: " + (int) c);
        }
        List<String[]> rows = readCsv(dir.resolve("charlm.csv"), "method,step,train_bpc,eval_bpc");
        assertEquals(4 * (1 + 3), rows.size());
        for (String[] r : rows) {
            double eval = Double.parseDouble(r[3]);
            assertTrue(eval > 0 && eval < maxBits + 0.05, "eval BPC in (0, log2 V]: " + eval);
            if (!r[0].isEmpty() && Long.parseLong(r[1]) > 0) {
                double train = Double.parseDouble(r[2]);
                assertTrue(train > 0 && train < maxBits + 0.5, "train BPC finite: " + train);
            }
        }
        assertPng(dir.resolve("charlm.png"));
        String md = assertMarkdown(dir.resolve("charlm.md"), "OK r=2", "TBPTT T=10");
        assertTrue(md.contains("vocabulary " + data.vocab.length));
    }

    @Test
    void gradientNoise() throws Exception {
        GradientNoise.main(new String[] {"--text", excerpt().toString(), "--out", dir.toString(), "--hidden", "4",
            "--steps", "60", "--copies", "2", "--log-every", "10", "--max-chars", "3000", "--reset", "30",
            "--methods", "ok1,ok4,kf,uoro"});
        List<String[]> rows = readCsv(dir.resolve("noise.csv"),
            "method,step,rel_influence_noise,rel_gradient_noise,gradient_cosine,train_bpc");
        assertEquals(4 * 6, rows.size());
        for (String[] r : rows) {
            double inf = Double.parseDouble(r[2]);
            double grad = Double.parseDouble(r[3]);
            double cos = Double.parseDouble(r[4]);
            assertTrue(Double.isFinite(inf) && inf >= 0, "influence noise finite");
            assertTrue(Double.isFinite(grad) && grad >= 0, "gradient noise finite");
            assertTrue(cos >= -1 - 1e-9 && cos <= 1 + 1e-9, "cosine in [-1, 1]");
        }
        assertPng(dir.resolve("noise.png"));
        assertPng(dir.resolve("noise_gradient.png"));
        assertPng(dir.resolve("noise_cosine.png"));
        assertMarkdown(dir.resolve("noise.md"), "OK r=4", "KF noise / this");
    }

    @Test
    void estimatorCost() throws Exception {
        EstimatorCost.main(new String[] {"--out", dir.toString(), "--ns", "4,8", "--ranks", "1,2",
            "--methods", "kf,uoro,rtrl,tbptt", "--min-seconds", "0.01", "--warmup-seconds", "0.2", "--fit-from", "4"});
        List<String[]> rows = readCsv(dir.resolve("cost.csv"), "method,rank,n,us_per_step,steps_timed");
        assertEquals(6 * 2, rows.size());
        for (String[] r : rows) {
            double us = Double.parseDouble(r[3]);
            assertTrue(Double.isFinite(us) && us > 0, "positive time per step");
        }
        assertPng(dir.resolve("cost.png"));
        assertPng(dir.resolve("cost_rank.png"));
        assertMarkdown(dir.resolve("cost.md"), "log-log slope", "RTRL (exact)");
    }
}

package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --kernels: the break-even rule, the line count, and the choice applied in a JVM that has the Vector API module. */
class KernelChoiceTest {
    private static ModelConfig model(String... extra) {
        List<String> a = new ArrayList<>(List.of("--key-field", "k", "--value-fields", "x,y"));
        a.addAll(List.of(extra));
        return JobOptions.parse(a.toArray(new String[0])).modelConfig();
    }

    @Test
    void breakEvenFollowsTheMeasuredSavingPerEvent() {
        // 2.5 CPU-s / (67 us x (n/32)^2 x (r+1)/5)
        assertEquals(149_254, KernelChoice.breakEvenEvents(model("--hidden", "16")));
        assertEquals(37_314, KernelChoice.breakEvenEvents(model("--hidden", "32")));
        assertEquals(9_329, KernelChoice.breakEvenEvents(model("--hidden", "64")));
        assertEquals(93_284, KernelChoice.breakEvenEvents(model("--hidden", "32", "--rank", "1")));
        // rows narrower than the SIMD kernels' minimum width never run on them
        assertEquals(Long.MAX_VALUE, KernelChoice.breakEvenEvents(model("--hidden", "8")));
        assertEquals(6_250_000, KernelChoice.breakEvenEvents(model("--method", "lru")));
    }

    @Test
    void autoKeepsThePlainKernelsBelowTheBreakEvenOnly() {
        ModelConfig n16 = model("--hidden", "16");
        String r = KernelChoice.plainReason("auto", 18_914, n16);
        assertEquals("--kernels auto: 18,914 events at n = 16, below the 149,254 events at which the SIMD kernels "
            + "repay their JIT cost; --kernels vector to force them", r);
        assertTrue(KernelChoice.plainReason("auto", 149_253, n16) != null);
        assertNull(KernelChoice.plainReason("auto", 149_254, n16));
        assertNull(KernelChoice.plainReason("auto", -1, n16), "unbounded input: the JVM's default");
        assertNull(KernelChoice.plainReason("vector", 10, n16));
        assertEquals("--kernels plain", KernelChoice.plainReason("plain", 10_000_000, n16));
        assertEquals("--kernels auto: n = 8, the SIMD kernels do not pay below n = 16; --kernels vector to force them",
            KernelChoice.plainReason("auto", 0, model("--hidden", "8")));
    }

    @Test
    void countsLinesWithOrWithoutTheLastNewline(@TempDir Path dir) throws IOException {
        long all = Long.MAX_VALUE;
        assertEquals(0, KernelChoice.events(stream(""), all));
        assertEquals(2, KernelChoice.events(stream("a\nb\n"), all));
        assertEquals(2, KernelChoice.events(stream("a\nb"), all));
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            big.append("k,").append(i).append('\n');
        }
        Path f = dir.resolve("in.csv");
        Files.writeString(f, big);
        assertEquals(100_000, KernelChoice.events(f, all));
        // counting stops within the 64 KB block that reaches the cap: 1,000 lines of 8-9 bytes fit in one
        long capped = KernelChoice.events(f, 1_000);
        assertTrue(capped >= 1_000 && capped < 100_000, "capped count " + capped);
        assertEquals(-1, KernelChoice.events(dir.resolve("missing.csv"), all));
    }

    /**
     * A JVM with the Vector API module, as {@code ./flink-rtrl} starts it: a 300-event file at n = 16 runs on the plain
     * kernels under the default {@code --kernels auto} (and says why), on the SIMD ones with {@code --kernels
     * vector}; the forecasts agree to reassociation (within 1e-9 relative over 150 steps a key).
     */
    @Test
    void autoKeepsAShortRunOnThePlainKernelsInAVectorJvm(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("k,t,x,y\n");
        for (int i = 0; i < 300; i++) {
            csv.append(i % 2 == 0 ? "a" : "b").append(',').append(1_700_000_000_000L + 60_000L * i).append(',')
                .append(Math.sin(i / 7.0)).append(',').append(Math.cos(i / 11.0)).append('\n');
        }
        Path in = dir.resolve("in.csv");
        Files.writeString(in, csv);
        String auto = child(in, dir.resolve("auto"));
        assertTrue(auto.contains("kernels: plain (--kernels auto: 301 events at n = 16, below the 149,254 events"),
            auto);
        String vector = child(in, dir.resolve("vector"), "--kernels", "vector");
        assertTrue(vector.contains("kernels: vector-"), vector);
        List<String> a = Files.readAllLines(dir.resolve("auto").resolve("predictions.jsonl"));
        List<String> v = Files.readAllLines(dir.resolve("vector").resolve("predictions.jsonl"));
        assertEquals(300, a.size());
        assertEquals(300, v.size());
        for (int i = 0; i < a.size(); i++) {
            double[] fa = PredictionJson.fromJson(a.get(i)).forecast;
            double[] fv = PredictionJson.fromJson(v.get(i)).forecast;
            for (int c = 0; c < fa.length; c++) {
                assertEquals(fa[c], fv[c], 1e-9 * Math.max(1, Math.abs(fa[c])), "line " + i);
            }
        }
    }

    private static String child(Path in, Path out, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
            SensorForecastJob.class.getName(), "--input", in.toString(), "--key-field", "k", "--time-field", "t",
            "--value-fields", "x,y", "--out-dir", out.toString(), "--report-charts", "0", "--parallelism", "1"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] text;
        try (InputStream s = p.getInputStream()) {
            text = s.readAllBytes();
        }
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM timed out");
        }
        String t = new String(text, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), t);
        return t;
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}

package org.flinkrtrl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flinkrtrl.jobs.SensorForecastJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's log report and the research runner agree: the job's embedded default (the bundled fail2ban logs, the
 * job's model settings) and LogEval on the same file with the same settings give the same pooled bits per event
 * and top-1 accuracy for the source's model, its components and the baselines, at the report's threshold. The job
 * rebuilds the targets from its outputs; LogEval takes them from the model itself.
 */
class LogEvalJobReportTest {

    @Test
    void theJobReportGivesLogEvalsFiguresOnTheBundledLogs(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(new String[] {"--message-field", "message", "--out-dir", dir.toString(),
            "--parallelism", "2"}, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        String console = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, console);
        JsonNode pooled = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).path("pooled");

        // the bundled file is a resource of the jobs module, a jar in a full build: LogEval reads a copy
        Path file = dir.resolve("fail2ban-logs.jsonl");
        try (InputStream in = SensorForecastJob.class.getResourceAsStream("/data/fail2ban-logs.jsonl")) {
            Files.copy(in, file);
        }
        // the job's model defaults for a log source: hidden 16, r-OK rank 4, Adam lr 0.01 (the softmax head's), seed 42, vocabulary 63
        LogEval.Result r = LogEval.run(new String[] {"--file", file.toString(), "--timing-passes", "0"});

        assertEquals(40, new ObjectMapper().readTree(dir.resolve("report.json").toFile()).path("minEvents").asInt());
        assertEquals(8, pooled.path("sources").asInt());
        assertEquals(549, pooled.path("scored").asLong());
        for (int m = 0; m < LogEval.MODELS.length; m++) {
            String name = LogEval.MODELS[m];
            JsonNode bits = pooled.path("bitsPerEvent").path(name);
            assertTrue(bits.isNumber(), name + " in " + pooled);
            assertEquals(r.pooledBits(m), bits.asDouble(), 1e-12, name);
            JsonNode top1 = pooled.path("top1").path(name);
            if (m == 0 || m >= 4) {
                assertEquals(r.pooledTop1(m), top1.asDouble(), 1e-12, "top-1 " + name);
            } else {
                assertTrue(top1.isMissingNode(), "no top-1 for the component " + name);
            }
        }
        // the baselines' figures on this file (they do not depend on the network): LogEval's table in log-results.md
        assertEquals(2.425, pooled.path("bitsPerEvent").path("ngram2").asDouble(), 5e-4);
        assertEquals(2.453, pooled.path("bitsPerEvent").path("frequency").asDouble(), 5e-4);
        assertEquals(0.612, pooled.path("top1").path("ngram2").asDouble(), 5e-4);
    }
}

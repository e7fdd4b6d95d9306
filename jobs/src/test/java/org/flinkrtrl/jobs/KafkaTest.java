package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class against a real Kafka broker ({@link TestKafka}): started once before its tests, closed after them. */
abstract class KafkaTest {
    static final Duration TIMEOUT = Duration.ofSeconds(300);
    /** Topic and group suffix, so reruns against an external broker (KAFKA_BOOTSTRAP) start from empty topics. */
    static final String RUN = "-" + Long.toString(System.currentTimeMillis(), 36);
    static TestKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Cancels and waits until the job (and with it the local MiniCluster's checkpoint writing) has stopped. */
    static void cancel(JobClient job) throws Exception {
        job.cancel().get();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    return;
                }
            } catch (Exception e) {
                return; // the per-job MiniCluster is already gone
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits for a checkpoint newer than the newest one now retained in {@code jobDir} (so it covers every output
     * read so far), cancels the job and returns that checkpoint's number; fails if none came within the timeout.
     */
    static int cancelAfterNextCheckpoint(JobClient job, Path jobDir) throws Exception {
        int seen = latestCheckpoint(jobDir);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (latestCheckpoint(jobDir) <= seen && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        cancel(job);
        int chk = latestCheckpoint(jobDir);
        assertTrue(chk > seen, "no checkpoint after the last output read");
        return chk;
    }

    static int latestCheckpoint(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(jobDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
                .mapToInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))).max().orElse(-1);
        }
    }
}

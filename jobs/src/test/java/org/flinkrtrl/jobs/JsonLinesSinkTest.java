package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's file sink: committed files only, in each subtask's order; a failed attempt's uncommitted records are
 * not in them, and a job that fails between checkpoints and restarts writes every record exactly once.
 */
class JsonLinesSinkTest {
    /** Strings as lines. */
    static JsonLinesSink.LineFormat<String> lines() {
        return out -> new JsonLinesSink.RecordWriter<>() {
            @Override
            public void write(String s) throws IOException {
                out.write((s + "\n").getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    static List<String> read(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        for (Path p : JsonLinesSink.committedFiles(dir, "part")) {
            all.addAll(Files.readAllLines(p));
        }
        return all;
    }

    @Test
    void onlyCommittedFilesCountInWriteOrderAndACommitRepeatedAfterARestoreIsSkipped(@TempDir Path dir)
        throws Exception {
        var w0 = new JsonLinesSink.Writer<>(dir, "part-0-0-", lines(), false);
        w0.write("a", null);
        w0.write("b", null);
        List<String> first = new ArrayList<>(w0.prepareCommit());
        assertEquals(List.of("part-0-0-0.jsonl"), first);
        assertTrue(Files.exists(dir.resolve(".part-0-0-0.jsonl.inprogress")));
        assertEquals(List.of(), read(dir), "nothing is committed before the committer ran");
        w0.write("c", null);
        List<String> second = new ArrayList<>(w0.prepareCommit());
        w0.write("lost", null); // after the last checkpoint: the attempt fails before the next
        w0.close();
        var committer = new JsonLinesSink.FileCommitter(dir);
        List<Request> requests = List.of(new Request(first.get(0)), new Request(second.get(0)));
        committer.commit(new ArrayList<>(requests));
        assertEquals(List.of("a", "b", "c"), read(dir));
        Request again = new Request(first.get(0));
        committer.commit(List.of(again)); // a restore from a checkpoint whose commit had already happened
        assertTrue(again.alreadyCommitted);
        // the next attempt (and another subtask) write files of their own, read after the earlier ones
        var w1 = new JsonLinesSink.Writer<>(dir, "part-0-1-", lines(), false);
        w1.write("lost, again", null);
        var s1 = new JsonLinesSink.Writer<>(dir, "part-1-0-", lines(), false);
        s1.write("x", null);
        committer.commit(List.of(new Request(w1.prepareCommit().iterator().next()),
            new Request(s1.prepareCommit().iterator().next())));
        assertEquals(List.of("a", "b", "c", "lost, again", "x"), read(dir));
        assertEquals(List.of(), JsonLinesSink.committedFiles(dir.resolve("missing"), "part"));
    }

    /** Fails the first attempt once, after at least one checkpoint completed and part of the input was written. */
    static final class FailOnce extends RichMapFunction<Long, String> {
        private final long failAt;

        FailOnce(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public String map(Long v) throws Exception {
            Thread.sleep(1);
            if (v == failAt && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("injected failure at " + v);
            }
            return Long.toString(v);
        }
    }

    @Test
    void aJobThatFailsBetweenCheckpointsWritesEveryRecordExactlyOnce(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        int n = 1500;
        env.fromSequence(0, n - 1).map(new FailOnce(1000)).returns(Types.STRING)
            .sinkTo(new JsonLinesSink<>(dir, "part", lines(), false));
        env.execute("file sink failover");

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, read(dir), "every record once, in order");
        List<String> names = new ArrayList<>();
        for (Path p : JsonLinesSink.committedFiles(dir, "part")) {
            names.add(p.getFileName().toString());
        }
        assertTrue(names.stream().anyMatch(s -> s.startsWith("part-0-0-")), "the first attempt committed " + names);
        assertTrue(names.stream().anyMatch(s -> s.startsWith("part-0-1-")), "the restart wrote the rest " + names);
        try (var s = Files.list(dir)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".inprogress")),
                "the failed attempt's records after its last checkpoint stayed in progress");
        }
    }

    private static final class Request implements Committer.CommitRequest<String> {
        private final String name;
        boolean alreadyCommitted;

        Request(String name) {
            this.name = name;
        }

        @Override public String getCommittable() { return name; }
        @Override public int getNumberOfRetries() { return 0; }
        @Override public void signalFailedWithKnownReason(Throwable t) { throw new AssertionError(t); }
        @Override public void signalFailedWithUnknownReason(Throwable t) { throw new AssertionError(t); }
        @Override public void retryLater() { throw new AssertionError("retry"); }
        @Override public void updateAndRetryLater(String c) { throw new AssertionError("retry"); }
        @Override public void signalAlreadyCommitted() { alreadyCommitted = true; }
    }
}

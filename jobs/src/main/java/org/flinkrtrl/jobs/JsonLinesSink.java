package org.flinkrtrl.jobs;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.flinkrtrl.connectors.ControlJson;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.flink.PartTimers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records as JSON lines in local files written by the job's own subtasks, exactly once: each subtask writes its
 * records in order to a hidden in-progress file ({@code .NAME.inprogress}); at every checkpoint barrier and at the
 * end of the input the file is closed and handed on as a committable, and the committer renames it to its final
 * name {@code PREFIX-SUBTASK-ATTEMPT-SEQ.jsonl} once the checkpoint is complete (without checkpointing: when the
 * input ends). Records after the last completed checkpoint of a failed attempt stay in in-progress files, which
 * {@link #committedFiles} ignores; the restarted attempt writes them again to files of its own attempt number. A
 * committable restored from a checkpoint whose file was committed already (a commit repeated after a restore) is
 * skipped.
 *
 * <p>Per subtask the committed files in {@link #committedFiles} order hold its records in the order it wrote them.
 * The directory must be local to the JVMs that run the job (the file mode's embedded cluster).
 *
 * @param <T> record type
 */
public final class JsonLinesSink<T> implements Sink<T>, SupportsCommitter<String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSink.class);
    private static final Pattern COMMITTED = Pattern.compile("(.+)-(\\d+)-(\\d+)-(\\d+)\\.jsonl");

    /** Opens a record writer on a file's stream; one per file. */
    public interface LineFormat<T> extends Serializable {
        RecordWriter<T> open(OutputStream out) throws IOException;
    }

    /** Writes records as lines on one stream; closing it closes the stream. */
    public interface RecordWriter<T> extends Closeable {
        void write(T record) throws IOException;
    }

    private final String dir;
    private final String prefix;
    private final LineFormat<T> format;
    private final boolean markFirstOutput;

    /**
     * @param dir             directory of the files (created when missing)
     * @param prefix          file name prefix, without '-' at its end
     * @param format          the records' line format
     * @param markFirstOutput whether a write marks {@link OutputClock} (the output whose first record starts a run's
     *                        steady state)
     */
    public JsonLinesSink(Path dir, String prefix, LineFormat<T> format, boolean markFirstOutput) {
        this.dir = dir.toAbsolutePath().toString();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.format = Objects.requireNonNull(format, "format");
        this.markFirstOutput = markFirstOutput;
    }

    /** Predictions in the output format of {@link PredictionJson}, through one reused generator per file. */
    public static LineFormat<org.flinkrtrl.record.Prediction> predictions() {
        return throughLineWriter(PredictionJson.LineWriter::write);
    }

    /** Dead letters in the format of {@link PredictionJson#toJson(org.flinkrtrl.record.DeadLetter)}. */
    public static LineFormat<org.flinkrtrl.record.DeadLetter> deadLetters() {
        return throughLineWriter(PredictionJson.LineWriter::write);
    }

    /** How one record goes through a file's {@link PredictionJson.LineWriter}. */
    private interface LineWrite<T> extends Serializable {
        void write(PredictionJson.LineWriter w, T record) throws IOException;
    }

    /** A format writing each record through one reused {@link PredictionJson.LineWriter} per file. */
    private static <T> LineFormat<T> throughLineWriter(LineWrite<T> write) {
        return out -> {
            PredictionJson.LineWriter w = new PredictionJson.LineWriter(out);
            return new RecordWriter<>() {
                @Override
                public void write(T record) throws IOException {
                    write.write(w, record);
                }

                @Override
                public void close() throws IOException {
                    w.close();
                }
            };
        };
    }

    /** Control acknowledgements in the format of {@link ControlJson#toJson(org.flinkrtrl.record.ControlAck)}. */
    public static LineFormat<org.flinkrtrl.record.ControlAck> acks() {
        return out -> new RecordWriter<>() {
            @Override
            public void write(org.flinkrtrl.record.ControlAck a) throws IOException {
                out.write(ControlJson.toJson(a).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public CommittingSinkWriter<T, String> createWriter(WriterInitContext context) throws IOException {
        Path d = Paths.get(dir);
        Files.createDirectories(d);
        return new Writer<>(d, prefix + "-" + context.getTaskInfo().getIndexOfThisSubtask() + "-"
            + context.getTaskInfo().getAttemptNumber() + "-", format, markFirstOutput);
    }

    @Override
    public Committer<String> createCommitter(CommitterInitContext context) {
        return new FileCommitter(Paths.get(dir));
    }

    @Override
    public SimpleVersionedSerializer<String> getCommittableSerializer() {
        return new NameSerializer();
    }

    /** The in-progress name of a committed file name. */
    static String inProgress(String name) {
        return "." + name + ".inprogress";
    }

    /**
     * The committed files of {@code prefix} in {@code dir}: by subtask, then attempt, then sequence number, i.e. each
     * subtask's records in the order it wrote them. Empty when the directory does not exist.
     */
    public static List<Path> committedFiles(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<long[]> order = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = COMMITTED.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(prefix)) {
                    order.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), files.size()});
                    files.add(p);
                }
            }
        }
        order.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1])
            .thenComparingLong(a -> a[2]));
        List<Path> sorted = new ArrayList<>(files.size());
        for (long[] o : order) {
            sorted.add(files.get((int) o[3]));
        }
        return sorted;
    }

    static final class Writer<T> implements CommittingSinkWriter<T, String> {
        private final Path dir;
        private final String namePrefix;
        private final LineFormat<T> format;
        private final boolean markFirstOutput;
        private RecordWriter<T> current;
        private String currentName;
        private long sequence;
        private boolean marked;

        Writer(Path dir, String namePrefix, LineFormat<T> format, boolean markFirstOutput) {
            this.dir = dir;
            this.namePrefix = namePrefix;
            this.format = format;
            this.markFirstOutput = markFirstOutput;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            if (current == null) {
                currentName = namePrefix + sequence++ + ".jsonl";
                current = format.open(new BufferedOutputStream(
                    Files.newOutputStream(dir.resolve(inProgress(currentName))), 1 << 16));
                if (markFirstOutput && !marked) {
                    OutputClock.mark();
                    marked = true;
                }
            }
            long w0 = PartTimers.ON ? System.nanoTime() : 0L;
            current.write(element);
            if (PartTimers.ON) {
                PartTimers.sinkWrite(System.nanoTime() - w0);
            }
        }

        @Override
        public void flush(boolean endOfInput) {
            // the file is closed (hence flushed) in prepareCommit, which follows at every barrier and at the end
        }

        @Override
        public Collection<String> prepareCommit() throws IOException {
            if (current == null) {
                return List.of();
            }
            current.close();
            current = null;
            return List.of(currentName);
        }

        @Override
        public void close() throws IOException {
            if (current != null) { // a failing or cancelled attempt: the file stays in progress, never committed
                current.close();
                current = null;
            }
        }
    }

    static final class FileCommitter implements Committer<String> {
        private final Path dir;

        FileCommitter(Path dir) {
            this.dir = dir;
        }

        @Override
        public void commit(Collection<CommitRequest<String>> requests) throws IOException {
            for (CommitRequest<String> r : requests) {
                String name = r.getCommittable();
                Path target = dir.resolve(name);
                try {
                    Files.move(dir.resolve(inProgress(name)), target, StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException e) {
                    if (!Files.exists(target)) {
                        // a committable of an earlier run restored into a fresh output directory: that run's output
                        LOG.warn("{}: neither the in-progress file nor the committed one exists; skipped", target);
                    }
                    r.signalAlreadyCommitted();
                }
            }
        }

        @Override
        public void close() {}
    }

    private static final class NameSerializer implements SimpleVersionedSerializer<String> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(String name) {
            return name.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown committable version " + version);
            }
            return new String(serialized, StandardCharsets.UTF_8);
        }
    }
}

package org.flinkrtrl.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Bounded replay of a CSV or JSON-lines file: its lines from a {@link FileSource} at parallelism 1, so the file's
 * order (hence each key's order) is kept, and its CSV header.
 */
public final class FileReplay {
    private FileReplay() {}

    /** The raw lines (header skipped when {@code skipHeader}), one reader, file order. */
    public static DataStream<RawRecord> lines(StreamExecutionEnvironment env, Path file, boolean skipHeader) {
        return lines(env, file, skipHeader, "file-source");
    }

    /** As above, with the source's operator uid (a second file source, e.g. the control file, needs its own). */
    public static DataStream<RawRecord> lines(StreamExecutionEnvironment env, Path file, boolean skipHeader,
                                              String uid) {
        FileSource<RawRecord> src = FileSource
            .forRecordStreamFormat(new NumberedLineFormat(skipHeader), new org.apache.flink.core.fs.Path(file.toUri()))
            .build();
        return env.fromSource(src, WatermarkStrategy.noWatermarks(), "file:" + file.getFileName())
            .uid(uid).setParallelism(1);
    }

    /** The column names in a CSV file's first line; an {@link IllegalArgumentException} when it is malformed. */
    public static String[] readCsvHeader(Path file, char delimiter) throws IOException {
        try (Utf8Lines r = new Utf8Lines(Files.newInputStream(file))) {
            String first = r.next();
            if (first == null || first.isBlank()) {
                throw new IOException("CSV file " + file + " has no header line");
            }
            if (r.malformedAt() >= 0) {
                throw new IllegalArgumentException("malformed CSV header in " + file + ": invalid UTF-8 byte sequence at "
                    + "byte " + r.malformedAt());
            }
            try {
                return Csv.header(first, delimiter);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed CSV header in " + file + ": " + e.getMessage(), e);
            }
        }
    }
}

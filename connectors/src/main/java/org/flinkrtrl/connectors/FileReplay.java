package org.flinkrtrl.connectors;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        FileSource<RawRecord> src = FileSource
            .forRecordStreamFormat(new NumberedLineFormat(skipHeader), new org.apache.flink.core.fs.Path(file.toUri()))
            .build();
        return env.fromSource(src, WatermarkStrategy.noWatermarks(), "file:" + file.getFileName())
            .uid("file-source").setParallelism(1);
    }

    /** The column names in a CSV file's first line. */
    public static String[] readCsvHeader(Path file, char delimiter) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first == null || first.isBlank()) {
                throw new IOException("CSV file " + file + " has no header line");
            }
            return Csv.header(first, delimiter);
        }
    }
}

package org.flinkrtrl.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;

/**
 * Bounded replay of a CSV or JSON-lines file: a {@link FileSource} at parallelism 1 (file order, hence per-key
 * order, is kept), parsing with dead letters, and an optional {@link ReplayThrottle}.
 */
public final class FileReplay {
    private FileReplay() {}

    /** Events and dead letters of one replayed file. */
    public static final class Streams {
        public final SingleOutputStreamOperator<Event> events;
        public final DataStream<DeadLetter> deadLetters;

        Streams(SingleOutputStreamOperator<Event> events, DataStream<DeadLetter> deadLetters) {
            this.events = events;
            this.deadLetters = deadLetters;
        }
    }

    /** The raw lines (header skipped when {@code skipHeader}), one reader, file order. */
    public static DataStream<RawRecord> lines(StreamExecutionEnvironment env, Path file, boolean skipHeader) {
        FileSource<RawRecord> src = FileSource
            .forRecordStreamFormat(new NumberedLineFormat(skipHeader), new org.apache.flink.core.fs.Path(file.toUri()))
            .build();
        return env.fromSource(src, WatermarkStrategy.noWatermarks(), "file:" + file.getFileName())
            .uid("file-source").setParallelism(1);
    }

    /**
     * Parsed events of a file (CSV: the parser must already know the header's columns) at parallelism 1, throttled
     * when {@code throttle} is not null.
     */
    public static Streams events(StreamExecutionEnvironment env, Path file, EventParser parser, ReplayThrottle throttle) {
        SingleOutputStreamOperator<Event> parsed = lines(env, file, parser.format() == EventParser.Format.CSV)
            .process(new ParseFunction(parser)).uid("parse").name("parse").setParallelism(1);
        DataStream<DeadLetter> dead = parsed.getSideOutput(ParseFunction.DEAD_LETTERS);
        SingleOutputStreamOperator<Event> events = parsed;
        if (throttle != null) {
            events = parsed.map(throttle).uid("replay-throttle").name("replay-throttle").setParallelism(1);
        }
        return new Streams(events, dead);
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

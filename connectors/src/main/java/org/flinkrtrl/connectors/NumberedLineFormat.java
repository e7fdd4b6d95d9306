package org.flinkrtrl.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * UTF-8 text lines of a file as {@link RawRecord}s numbered 1, 2, ... by data row (blank lines and, optionally, a
 * header line are skipped and not counted). Not splittable, so one reader reads a whole file in order. Lines and
 * their decoding are {@link Utf8Lines}'s; {@link #countRecords} counts with the same rules.
 */
public class NumberedLineFormat extends SimpleStreamFormat<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final boolean skipHeader;

    public NumberedLineFormat(boolean skipHeader) {
        this.skipHeader = skipHeader;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        Utf8Lines in = new Utf8Lines(stream);
        return new StreamFormat.Reader<>() {
            private long row;
            private boolean headerSkipped = !skipHeader;

            @Override
            public RawRecord read() throws IOException {
                String line;
                while ((line = in.next()) != null) {
                    if (!headerSkipped) {
                        headerSkipped = true;
                        continue;
                    }
                    if (!line.isBlank()) {
                        RawRecord r = new RawRecord(line, ++row, Long.MIN_VALUE, in.malformedAt());
                        String sha = in.oversizeSha256();
                        if (sha != null) {
                            r.oversizeBytes = in.lineBytes();
                            r.oversizeSha256 = sha;
                        }
                        return r;
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** The number of records a reader of {@code file} produces: its non-blank lines, without the header line. */
    public static long countRecords(Path file, boolean skipHeader) throws IOException {
        long n = 0;
        boolean headerSkipped = !skipHeader;
        try (Utf8Lines in = new Utf8Lines(Files.newInputStream(file))) {
            String line;
            while ((line = in.next()) != null) {
                if (!headerSkipped) {
                    headerSkipped = true;
                } else if (!line.isBlank()) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}

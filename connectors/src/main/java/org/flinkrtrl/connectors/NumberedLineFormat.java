package org.flinkrtrl.connectors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * UTF-8 text lines of a file as {@link RawRecord}s numbered 1, 2, ... by data row (blank lines and, optionally, a
 * header line are skipped and not counted). Not splittable, so one reader reads a whole file in order.
 */
public class NumberedLineFormat extends SimpleStreamFormat<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final boolean skipHeader;

    public NumberedLineFormat(boolean skipHeader) {
        this.skipHeader = skipHeader;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        return new StreamFormat.Reader<>() {
            private long row;
            private boolean headerSkipped = !skipHeader;

            @Override
            public RawRecord read() throws IOException {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!headerSkipped) {
                        headerSkipped = true;
                        continue;
                    }
                    if (!line.isBlank()) {
                        return new RawRecord(line, ++row, Long.MIN_VALUE);
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

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}

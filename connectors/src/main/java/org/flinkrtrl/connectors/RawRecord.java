package org.flinkrtrl.connectors;

/**
 * One unparsed input record: its text, its 1-based data-row number in a file (0 when not from a file) and the
 * transport's timestamp (a Kafka record's, or Long.MIN_VALUE). Deserialisers produce these and never throw;
 * {@link ParseFunction} turns them into events or dead letters. A Flink POJO.
 */
public class RawRecord {
    public String text;
    public long position;
    public long timestamp = Long.MIN_VALUE;
    /** Byte offset of the first malformed UTF-8 sequence in the original bytes (then text has U+FFFD there), else -1. */
    public int malformedUtf8At = -1;
    /** Bytes of a line longer than the reader's limit (then text holds only its first bytes), else -1. */
    public long oversizeBytes = -1;
    /** Hex SHA-256 of such a line's bytes, else null. */
    public String oversizeSha256;

    public RawRecord() {}

    public RawRecord(String text, long position, long timestamp) {
        this.text = text;
        this.position = position;
        this.timestamp = timestamp;
    }

    public RawRecord(String text, long position, long timestamp, int malformedUtf8At) {
        this(text, position, timestamp);
        this.malformedUtf8At = malformedUtf8At;
    }

    @Override
    public String toString() {
        return "RawRecord{" + position + ": " + text + "}";
    }
}

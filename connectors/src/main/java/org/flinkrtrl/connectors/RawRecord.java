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

    public RawRecord() {}

    public RawRecord(String text, long position, long timestamp) {
        this.text = text;
        this.position = position;
        this.timestamp = timestamp;
    }

    @Override
    public String toString() {
        return "RawRecord{" + position + ": " + text + "}";
    }
}

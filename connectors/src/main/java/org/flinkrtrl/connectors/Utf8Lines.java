package org.flinkrtrl.connectors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of a UTF-8 byte stream, the one decoding every reader of input files shares (the record reader and the
 * bounded run's final record count): lines end at {@code \n} (a {@code \r} before it is dropped), a UTF-8 byte order
 * mark at the start of the stream is skipped, and malformed UTF-8 never throws: the line is decoded with U+FFFD in
 * place of the bad bytes and {@link #malformedAt()} gives the byte offset of the first one in the line, so the
 * record becomes a dead letter with that reason. Not thread-safe.
 */
public final class Utf8Lines implements AutoCloseable {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private byte[] line = new byte[256];
    private int len;
    private boolean started;
    private boolean eof;
    private int malformedAt = -1;

    public Utf8Lines(InputStream in) {
        this.in = in;
    }

    /** The next line without its terminator, or null at the end of the stream. */
    public String next() throws IOException {
        if (eof) {
            return null;
        }
        len = 0;
        boolean any = false;
        while (true) {
            if (pos == lim) {
                lim = in.read(buf, 0, buf.length);
                pos = 0;
                if (lim <= 0) {
                    lim = 0;
                    eof = true;
                    if (!any) {
                        return null;
                    }
                    break;
                }
                if (!started) {
                    started = true;
                    if (lim >= 3 && (buf[0] & 0xff) == 0xef && (buf[1] & 0xff) == 0xbb && (buf[2] & 0xff) == 0xbf) {
                        pos = 3;
                    }
                }
            }
            any = true;
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            append(start, pos - start);
            if (pos < lim) {
                pos++; // the '\n'
                break;
            }
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return decode();
    }

    /** Byte offset in the last line of its first malformed UTF-8 sequence, -1 when the line was valid UTF-8. */
    public int malformedAt() {
        return malformedAt;
    }

    private void append(int from, int n) {
        if (len + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
        }
        System.arraycopy(buf, from, line, len, n);
        len += n;
    }

    private String decode() {
        malformedAt = malformedAt(line, len);
        return new String(line, 0, len, StandardCharsets.UTF_8);
    }

    /** Offset of the first malformed UTF-8 sequence in {@code b[0, len)}, -1 when it is valid UTF-8. */
    public static int malformedAt(byte[] b, int len) {
        int i = 0;
        while (i < len && b[i] >= 0) {
            i++;
        }
        if (i == len) {
            return -1;
        }
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        CoderResult r = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bb, CharBuffer.allocate(len), true);
        return r.isError() ? bb.position() : -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

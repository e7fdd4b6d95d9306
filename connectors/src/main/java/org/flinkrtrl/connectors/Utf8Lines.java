package org.flinkrtrl.connectors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Lines of a UTF-8 byte stream, the one decoding every reader of input files shares (the record reader and the
 * bounded run's final record count): lines end at {@code \n} (a {@code \r} before it is dropped), a UTF-8 byte order
 * mark at the start of the stream is skipped, and malformed UTF-8 never throws: the line is decoded with U+FFFD in
 * place of the bad bytes and {@link #malformedAt()} gives the byte offset of the first one in the line, so the
 * record becomes a dead letter with that reason. A line longer than the line limit (default
 * {@value #DEFAULT_MAX_LINE_BYTES} bytes) is never held whole: the reader keeps its first bytes (cut at a
 * character boundary) and {@link #oversizeSha256()} and {@link #lineBytes()} give the whole line's SHA-256 and
 * length, so a runaway line (a binary file, a missing newline) becomes a small dead letter instead of exhausting
 * the heap. Not thread-safe.
 */
public final class Utf8Lines implements AutoCloseable {
    /** Default longest line held whole, bytes. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;

    private final InputStream in;
    private final int maxLineBytes;
    private long lineBytes;
    private MessageDigest digest;
    private boolean over;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private byte[] line = new byte[256];
    private int len;
    private boolean started;
    private boolean eof;
    private int malformedAt = -1;

    public Utf8Lines(InputStream in) {
        this(in, DEFAULT_MAX_LINE_BYTES);
    }

    public Utf8Lines(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("the line limit must be >= 4 bytes, got " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its terminator, or null at the end of the stream. */
    public String next() throws IOException {
        if (eof) {
            return null;
        }
        len = 0;
        lineBytes = 0;
        over = false;
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
        if (over) {
            int cut = maxLineBytes;
            while (cut > 0 && (line[cut] & 0xc0) == 0x80) {
                cut--; // line[cut] continues a character that started before it: drop that character
            }
            len = cut;
        } else if (len > 0 && line[len - 1] == '\r') {
            len--;
            lineBytes--;
        }
        return decode();
    }

    /** Bytes of the last line without its terminator (all of them, also when it exceeded the limit). */
    public long lineBytes() {
        return lineBytes;
    }

    /**
     * Hex SHA-256 of the last line's bytes when it exceeded the limit (then {@link #next()} returned only its first
     * bytes), else null.
     */
    public String oversizeSha256() {
        return over ? java.util.HexFormat.of().formatHex(digest.digest()) : null;
    }

    /** Byte offset in the last line of its first malformed UTF-8 sequence, -1 when the line was valid UTF-8. */
    public int malformedAt() {
        return malformedAt;
    }

    private void append(int from, int n) {
        lineBytes += n;
        if (over) {
            digest.update(buf, from, n);
            return;
        }
        if (len + n > maxLineBytes) {
            over = true;
            if (digest == null) {
                try {
                    digest = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("SHA-256 is missing from this JVM", e);
                }
            }
            digest.reset();
            digest.update(line, 0, len);
            digest.update(buf, from, n);
            int keep = maxLineBytes + 1 - len; // one byte past the limit, to see whether the cut splits a character
            if (line.length < maxLineBytes + 1) {
                line = Arrays.copyOf(line, maxLineBytes + 1);
            }
            System.arraycopy(buf, from, line, len, keep);
            len += keep;
            return;
        }
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

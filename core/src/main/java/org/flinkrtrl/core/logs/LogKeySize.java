package org.flinkrtrl.core.logs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * The size of one log source's state for memory estimates: a {@link LogSourceModel} driven to its vocabulary's
 * capacity (every class in use, as many templates mined, its count tables filled by four rounds over the types in a
 * fixed order), on messages of {@value #MESSAGE_TOKENS} tokens, the length of a typical syslog message. A source
 * can grow past this only by mining more templates than its vocabulary holds (up to the miner's cap), each costing
 * about {@link #bytesPerExtraTemplate}.
 */
public final class LogKeySize {
    /** Tokens per message of the synthetic traffic. */
    public static final int MESSAGE_TOKENS = 12;
    /**
     * Heap bytes of a live source per serialised byte, with a miner: its prefix tree, token strings and maps cost
     * more on the heap than in their serialised form (measured with JOL at a full vocabulary of 12 and 63 types,
     * hidden 16: 1.654 and 1.656; LogKeySizeTest).
     */
    public static final double MINING_HEAP_RATIO = 1.7;
    /** The same for pre-parsed types (measured 1.383 at 12 types, 1.179 at 63). */
    public static final double TYPES_HEAP_RATIO = 1.4;
    /** Heap bytes of one more mined template of {@value #MESSAGE_TOKENS} tokens (measured about 830 with JOL). */
    public static final long HEAP_PER_EXTRA_TEMPLATE = 900;
    private static final int ROUNDS = 4;

    private LogKeySize() {}

    /**
     * A source at capacity: {@code config} is the log learner's (its vocabulary capacity is the number of types fed),
     * {@code miner} null for pre-parsed types.
     */
    public static LogSourceModel atCapacity(ModelConfig config, MinerSettings miner, int topK) {
        int types = config.outputs() - 1;
        LogSourceModel m = new LogSourceModel(miner == null ? null : new TemplateMiner(miner), new LogLearner(config, 0L),
            topK);
        long t = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < types; i++) {
                m.observe(message(i, r), t);
                t += 1000;
            }
        }
        return m;
    }

    /** Serialised bytes of {@link #atCapacity}. */
    public static long stateBytes(ModelConfig config, MinerSettings miner, int topK) {
        return atCapacity(config, miner, topK).toBytes().length;
    }

    /**
     * Heap bytes of one live source at its vocabulary's capacity, for a learner that holds no per-key work buffers
     * (r-OK, UORO, exact RTRL): its serialised state times {@link #MINING_HEAP_RATIO} or {@link #TYPES_HEAP_RATIO}.
     */
    public static long heapBytes(ModelConfig config, MinerSettings miner, int topK) {
        return (long) Math.ceil((miner != null ? MINING_HEAP_RATIO : TYPES_HEAP_RATIO) * stateBytes(config, miner, topK));
    }

    /** Serialised bytes one more mined template adds (one more message shape of the same length). */
    public static long bytesPerExtraTemplate(MinerSettings miner) {
        TemplateMiner a = new TemplateMiner(miner);
        TemplateMiner b = new TemplateMiner(miner);
        int n = 40; // below the prefix tree's 100 children per node
        for (int i = 0; i < n; i++) {
            a.add(message(i, 0));
            b.add(message(i, 0));
        }
        for (int i = n; i < 2 * n; i++) {
            b.add(message(i, 0));
        }
        return (size(b) - size(a) + n - 1) / n;
    }

    private static long size(TemplateMiner m) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            m.writeTo(new DataOutputStream(buf));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.size();
    }

    /**
     * Message of type {@code i}: a first word of its own (so each type is a template of its own in the miner's
     * prefix tree), then words and values that vary with {@code round} (masked numbers, an address).
     */
    static String message(int i, int round) {
        StringBuilder s = new StringBuilder(word(i)).append(" session opened for user ").append(word(1000 + round))
            .append(" from 10.0.").append(round).append('.').append(i % 250).append(" port ").append(40000 + i)
            .append(" pid ").append(round * 7 + i);
        return s.toString();
    }

    /** A word of letters g..z only (not a hex id, so the masker keeps it). */
    static String word(int i) {
        StringBuilder s = new StringBuilder("w");
        int v = i;
        do {
            s.append((char) ('g' + v % 20));
            v /= 20;
        } while (v > 0);
        return s.toString();
    }
}

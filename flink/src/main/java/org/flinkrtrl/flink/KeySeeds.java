package org.flinkrtrl.flink;

import org.flinkrtrl.core.math.Rng;

/**
 * The seed of a key's model, derived only from the job seed and the key, so a key's model (and every output) is
 * the same whatever the parallelism, the subtask or the order in which keys first appear.
 */
public final class KeySeeds {
    private KeySeeds() {}

    public static long seedFor(long jobSeed, String key) {
        return Rng.forStream(jobSeed, fnv1a64(key)).nextLong();
    }

    /** 64-bit FNV-1a over the key's UTF-16 code units: stable across JVMs, no allocation. */
    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h ^= (c & 0xff);
            h *= 0x100000001b3L;
            h ^= (c >>> 8);
            h *= 0x100000001b3L;
        }
        return h;
    }
}

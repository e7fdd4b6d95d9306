package org.flinkrtrl.experiments;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flinkrtrl.core.logs.TokenMasker;

/**
 * A candidate part of the log anomaly score, evaluated in {@link LogEval} and not part of the job: which remote
 * hosts a log source has seen, i.e. the IPv4 addresses its messages name (the tokens the template miner masks as
 * {@value TokenMasker#IP}), kept per source in a bounded table of {@value #CAPACITY} 64-bit hashes (the oldest is
 * replaced when full), and the surprise of each event's addresses under a Bernoulli model of novelty: with n
 * addresses seen so far of which d were new, a new address has probability (d + 1) / (n + 2) and a known one the
 * rest. {@code newOnly} counts only the new side (a known host adds nothing). An event without an address adds
 * nothing; at most {@value #MAX_PER_EVENT} distinct addresses of an event count.
 */
final class EntityNovelty {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    /** Addresses remembered per source. */
    public static final int CAPACITY = 256;
    /** Distinct addresses of one event that count. */
    public static final int MAX_PER_EVENT = 4;
    private final long[] table = new long[CAPACITY];
    private int size;
    /** Slot the next new address takes once the table is full (the oldest). */
    private int next;
    private long seen;
    private long novel;
    private final long[] current = new long[MAX_PER_EVENT];
    private final boolean newOnly;

    EntityNovelty(boolean newOnly) {
        this.newOnly = newOnly;
    }

    /** Scores and records the addresses of {@code message}; returns their surprise in nats (0 without any). */
    double observe(String message) {
        int k = 0;
        int n = message.length();
        int i = 0;
        while (i < n && k < MAX_PER_EVENT) {
            while (i < n && Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            if (i > start && hasDot(message, start, i)) {
                String token = message.substring(start, i);
                String ip = null;
                if (TokenMasker.mask(token).contains(TokenMasker.IP)) {
                    Matcher m = IPV4.matcher(token);
                    while (m.find()) {
                        ip = m.group();
                    }
                }
                if (ip != null) {
                    long h = hash(ip);
                    if (!contains(current, k, h)) {
                        current[k++] = h;
                    }
                }
            }
        }
        double nats = 0.0;
        for (int j = 0; j < k; j++) {
            double pNew = (novel + 1.0) / (seen + 2.0);
            boolean known = contains(table, size, current[j]);
            if (!known) {
                nats -= Math.log(pNew);
            } else if (!newOnly) {
                nats -= Math.log(1.0 - pNew);
            }
            seen++;
            if (!known) {
                novel++;
                add(current[j]);
            }
        }
        return nats;
    }

    long seen() { return seen; }
    long novel() { return novel; }
    int remembered() { return size; }

    private void add(long h) {
        if (size < CAPACITY) {
            table[size++] = h;
        } else {
            table[next] = h;
            next = (next + 1) % CAPACITY;
        }
    }

    private static boolean contains(long[] a, int n, long h) {
        for (int i = 0; i < n; i++) {
            if (a[i] == h) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDot(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '.') {
                return true;
            }
        }
        return false;
    }

    /** 64-bit FNV-1a of the address's characters. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}

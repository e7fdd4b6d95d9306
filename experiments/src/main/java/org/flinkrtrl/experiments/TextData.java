package org.flinkrtrl.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * A plain-text corpus as character ids: typographic quotes and dashes mapped to ASCII (as the data README
 * suggests for moby-dick.txt: ’ ‘ to ', “ ” to ", — to -), CR dropped, vocabulary = sorted distinct characters of
 * the whole text, split into the first {@code trainFraction} for training and the rest for evaluation.
 */
public final class TextData {
    public final char[] vocab;
    public final int[] train;
    public final int[] test;

    private TextData(char[] vocab, int[] train, int[] test) {
        this.vocab = vocab;
        this.train = train;
        this.test = test;
    }

    public static String normalise(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\u2019':
                case '\u2018':
                    sb.append('\'');
                    break;
                case '\u201c':
                case '\u201d':
                    sb.append('"');
                    break;
                case '\u2014':
                case '\u2013':
                    sb.append('-');
                    break;
                case '\r':
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }

    public static TextData load(Path file, double trainFraction, int maxChars) {
        String text;
        try {
            text = normalise(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read text corpus " + file, e);
        }
        if (maxChars > 0 && text.length() > maxChars) {
            text = text.substring(0, maxChars);
        }
        return of(text, trainFraction);
    }

    public static TextData of(String text, double trainFraction) {
        if (text.length() < 20) {
            throw new IllegalArgumentException("text too short: " + text.length() + " characters");
        }
        TreeSet<Character> set = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            set.add(text.charAt(i));
        }
        char[] vocab = new char[set.size()];
        int v = 0;
        for (char c : set) {
            vocab[v++] = c;
        }
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Arrays.binarySearch(vocab, text.charAt(i));
        }
        int cut = (int) Math.round(ids.length * trainFraction);
        return new TextData(vocab, Arrays.copyOfRange(ids, 0, cut), Arrays.copyOfRange(ids, cut, ids.length));
    }

    /** Entropy in bits of the training split's unigram distribution (a no-memory baseline). */
    public double unigramBits() {
        double[] counts = new double[vocab.length];
        for (int c : train) {
            counts[c]++;
        }
        double h = 0;
        for (double cnt : counts) {
            if (cnt > 0) {
                double p = cnt / train.length;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }
}

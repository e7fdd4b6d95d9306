package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * A bounded vocabulary of event types: type labels get classes 1, 2, ... in order of first sight until
 * {@code capacity} are taken; class {@link #UNSEEN} (0) stands for every type not in it. Labels are at most
 * {@value #MAX_LABEL_CHARS} characters. Not thread-safe.
 */
public final class TypeVocabulary {
    public static final int UNSEEN = 0;
    public static final int MAX_LABEL_CHARS = 1024;
    private final int capacity;
    private final HashMap<String, Integer> index = new HashMap<>();
    private final ArrayList<String> labels = new ArrayList<>();

    public TypeVocabulary(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("vocabulary capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** The class of {@code label}, or -1 if it is not in the vocabulary. */
    public int classOf(String label) {
        Integer c = index.get(label);
        return c == null ? -1 : c;
    }

    /** Adds {@code label} (not yet present) and returns its class, or {@link #UNSEEN} when the vocabulary is full. */
    int add(String label) {
        if (labels.size() >= capacity) {
            return UNSEEN;
        }
        labels.add(label);
        int c = labels.size();
        index.put(label, c);
        return c;
    }

    /** The label of class {@code c}; {@code "<unseen>"} for {@link #UNSEEN}. */
    public String label(int c) {
        return c == UNSEEN ? "<unseen>" : labels.get(c - 1);
    }

    public int size() { return labels.size(); }
    public int capacity() { return capacity; }
    public boolean isFull() { return labels.size() >= capacity; }

    static void checkLabel(String label) {
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("event type is empty");
        }
        if (label.length() > MAX_LABEL_CHARS) {
            throw new IllegalArgumentException("event type has " + label.length() + " characters, more than "
                + MAX_LABEL_CHARS);
        }
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(labels.size());
        for (String l : labels) {
            out.writeUTF(l);
        }
    }

    void read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > capacity) {
            throw new IOException("vocabulary of " + n + " types outside [0, " + capacity + "]");
        }
        index.clear();
        labels.clear();
        for (int i = 0; i < n; i++) {
            add(in.readUTF());
        }
    }
}

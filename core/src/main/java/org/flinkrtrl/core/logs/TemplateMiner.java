package org.flinkrtrl.core.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Online log template miner of the Drain family (He, Zhu, Zheng, Lyu, ICWS 2017), bounded and deterministic.
 *
 * <p>A message is split on whitespace and its variable tokens masked ({@link TokenMasker}). It is routed through a
 * fixed-depth prefix tree: first by its token count, then by its first {@code depth - 2} tokens (a token holding a
 * digit routes as {@link #WILDCARD}; once a node has {@code maxChildren - 1} children, new tokens share its
 * wildcard child). The leaf holds the candidate templates; the message joins the one with the highest similarity
 * (share of positions equal to the template's non-wildcard tokens; ties: more wildcards, then the older template)
 * if it reaches the threshold, and every differing position of that template becomes {@link #WILDCARD}. Otherwise
 * it opens a new template, unless {@code maxTemplates} exist: then it is an overflow ({@link #OVERFLOW}, counted).
 *
 * <p>Template ids are 0, 1, 2, ... in creation order. Children and candidates are kept in insertion order, so the
 * same messages always give the same ids and templates, and {@link #writeTo} / {@link #readFrom} continue a miner
 * exactly (the tree is written as is, not rebuilt). Not thread-safe.
 */
public final class TemplateMiner {
    public static final String WILDCARD = "<*>";
    /** Id returned for a message that matched no template while the template cap was reached. */
    public static final int OVERFLOW = -1;
    /** Version of the {@link #writeTo} form. */
    public static final short FORMAT = 1;

    private final MinerSettings settings;
    private final ArrayList<String[]> templates = new ArrayList<>();
    private long[] counts = new long[16];
    private final Node root = new Node();
    private long messages;
    private long overflows;
    private boolean lastNew;

    public TemplateMiner(MinerSettings settings) {
        this.settings = settings;
    }

    private static final class Node {
        final LinkedHashMap<String, Node> children = new LinkedHashMap<>();
        int[] groups = new int[0];
    }

    /**
     * Assigns {@code message} to a template, creating or generalising one as needed.
     *
     * @return the template id, or {@link #OVERFLOW}
     */
    public int add(String message) {
        String[] tokens = tokenize(message);
        messages++;
        lastNew = false;
        Node leaf = descend(tokens, false);
        int best = leaf == null ? OVERFLOW : bestMatch(leaf, tokens);
        if (best != OVERFLOW) {
            String[] t = templates.get(best);
            for (int i = 0; i < t.length; i++) {
                if (!t[i].equals(tokens[i])) {
                    t[i] = WILDCARD;
                }
            }
            counts[best]++;
            return best;
        }
        if (templates.size() >= settings.maxTemplates()) {
            overflows++;
            return OVERFLOW;
        }
        int id = templates.size();
        templates.add(tokens);
        if (id == counts.length) {
            counts = Arrays.copyOf(counts, Math.min(2 * id, settings.maxTemplates()));
        }
        counts[id] = 1;
        Node node = descend(tokens, true);
        node.groups = Arrays.copyOf(node.groups, node.groups.length + 1);
        node.groups[node.groups.length - 1] = id;
        lastNew = true;
        return id;
    }

    /** The candidate in {@code leaf} most similar to {@code tokens} if it reaches the threshold, else OVERFLOW. */
    private int bestMatch(Node leaf, String[] tokens) {
        int best = OVERFLOW;
        int bestSame = -1;
        int bestWild = -1;
        for (int id : leaf.groups) {
            String[] t = templates.get(id);
            int same = 0;
            int wild = 0;
            for (int i = 0; i < t.length; i++) {
                if (t[i].equals(WILDCARD)) {
                    wild++;
                } else if (t[i].equals(tokens[i])) {
                    same++;
                }
            }
            if (same > bestSame || (same == bestSame && wild > bestWild)) {
                best = id;
                bestSame = same;
                bestWild = wild;
            }
        }
        if (best == OVERFLOW) {
            return OVERFLOW;
        }
        // an all-wildcard template (or an empty message) matches everything of its length
        double sim = tokens.length == 0 ? 1.0 : (double) bestSame / tokens.length;
        boolean allWild = bestWild == tokens.length;
        return sim >= settings.similarity() || allWild ? best : OVERFLOW;
    }

    /** Walks (or with {@code create}, builds) the path of {@code tokens}; null if absent and not creating. */
    private Node descend(String[] tokens, boolean create) {
        Node node = child(root, Integer.toString(tokens.length), create);
        int prefix = Math.min(settings.depth() - 2, tokens.length);
        for (int i = 0; node != null && i < prefix; i++) {
            String key = hasDigit(tokens[i]) ? WILDCARD : tokens[i];
            Node next = node.children.get(key);
            if (next == null && !key.equals(WILDCARD) && node.children.size() >= settings.maxChildren() - 1) {
                key = WILDCARD;
                next = node.children.get(key);
            }
            node = next != null ? next : child(node, key, create);
        }
        return node;
    }

    private static Node child(Node parent, String key, boolean create) {
        Node c = parent.children.get(key);
        if (c == null && create) {
            c = new Node();
            parent.children.put(key, c);
        }
        return c;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    /** The masked, capped tokens of a message. */
    public String[] tokenize(String message) {
        ArrayList<String> out = new ArrayList<>();
        int n = message.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            if (i > start) {
                if (out.size() == settings.maxTokens() - 1) {
                    out.add(WILDCARD);
                    break;
                }
                String tok = message.substring(start, i);
                out.add(tok.length() > settings.maxTokenChars() ? WILDCARD : TokenMasker.mask(tok));
            }
        }
        return out.toArray(new String[0]);
    }

    /** The current text of template {@code id} (tokens joined by single spaces). */
    public String template(int id) {
        if (id == OVERFLOW) {
            return "<overflow>";
        }
        return String.join(" ", templates.get(id));
    }

    /** Messages assigned to template {@code id}. */
    public long count(int id) {
        return counts[id];
    }

    public int templateCount() { return templates.size(); }
    public long messages() { return messages; }
    public long overflows() { return overflows; }
    /** True when the latest {@link #add} opened a new template. */
    public boolean lastWasNew() { return lastNew; }
    public MinerSettings settings() { return settings; }

    /** Writes the settings and the whole state; {@link #readFrom} continues the miner exactly. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeShort(FORMAT);
        out.writeInt(settings.depth());
        out.writeDouble(settings.similarity());
        out.writeInt(settings.maxChildren());
        out.writeInt(settings.maxTemplates());
        out.writeInt(settings.maxTokens());
        out.writeInt(settings.maxTokenChars());
        out.writeLong(messages);
        out.writeLong(overflows);
        out.writeBoolean(lastNew);
        out.writeInt(templates.size());
        for (int id = 0; id < templates.size(); id++) {
            String[] t = templates.get(id);
            out.writeInt(t.length);
            for (String tok : t) {
                out.writeUTF(tok);
            }
            out.writeLong(counts[id]);
        }
        writeNode(root, out);
    }

    private static void writeNode(Node node, DataOutput out) throws IOException {
        out.writeInt(node.groups.length);
        for (int g : node.groups) {
            out.writeInt(g);
        }
        out.writeInt(node.children.size());
        for (Map.Entry<String, Node> e : node.children.entrySet()) {
            out.writeUTF(e.getKey());
            writeNode(e.getValue(), out);
        }
    }

    /** Reads a miner written by {@link #writeTo}; refuses other versions and counts beyond the settings' bounds. */
    public static TemplateMiner readFrom(DataInput in) throws IOException {
        short format = in.readShort();
        if (format != FORMAT) {
            throw new IOException("template miner state format " + format + " is not supported (this build reads "
                + FORMAT + ")");
        }
        MinerSettings s;
        try {
            s = new MinerSettings(in.readInt(), in.readDouble(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
        } catch (IllegalArgumentException e) {
            throw new IOException("template miner state holds invalid settings: " + e.getMessage(), e);
        }
        TemplateMiner m = new TemplateMiner(s);
        m.messages = in.readLong();
        m.overflows = in.readLong();
        m.lastNew = in.readBoolean();
        int n = bounded(in.readInt(), s.maxTemplates(), "templates");
        m.counts = new long[Math.max(16, Math.min(Math.max(n, 1) * 2, s.maxTemplates()))];
        for (int id = 0; id < n; id++) {
            String[] t = new String[bounded(in.readInt(), s.maxTokens(), "tokens")];
            for (int i = 0; i < t.length; i++) {
                t[i] = in.readUTF();
            }
            m.templates.add(t);
            m.counts[id] = in.readLong();
        }
        readNode(m.root, in, n, s, 0);
        return m;
    }

    private static void readNode(Node node, DataInput in, int templates, MinerSettings s, int level) throws IOException {
        int g = bounded(in.readInt(), templates, "templates in a node");
        node.groups = new int[g];
        for (int i = 0; i < g; i++) {
            node.groups[i] = bounded(in.readInt(), templates - 1, "template id");
        }
        int c = bounded(in.readInt(), level == 0 ? s.maxTokens() + 1 : s.maxChildren(), "children");
        if (c > 0 && level >= s.depth() - 1) {
            throw new IOException("template miner state: tree deeper than " + s.depth());
        }
        for (int i = 0; i < c; i++) {
            Node child = new Node();
            node.children.put(in.readUTF(), child);
            readNode(child, in, templates, s, level + 1);
        }
    }

    private static int bounded(int v, int max, String what) throws IOException {
        if (v < 0 || v > max) {
            throw new IOException("template miner state: " + what + " " + v + " outside [0, " + max + "]");
        }
        return v;
    }
}

package org.flinkrtrl.core.logs;

/**
 * Settings of a {@link TemplateMiner}. The memory bound of a miner is {@code maxTemplates * maxTokens} tokens of at
 * most {@code maxTokenChars} characters, plus a prefix tree of at most {@code maxTemplates * (depth - 1)} nodes.
 *
 * @param depth         tree depth including the root and the token-count layer: {@code depth - 2} leading tokens
 *                      route a message (He et al. use 4)
 * @param similarity    least fraction of positions at which a message must equal a template's non-wildcard tokens
 *                      to join it, in (0, 1]
 * @param maxChildren   most children of a prefix node; further tokens share the wildcard child
 * @param maxTemplates  most templates; a message that would open one more is an overflow
 * @param maxTokens     most tokens of a message; the rest collapse into one trailing wildcard
 * @param maxTokenChars longest token kept; a longer one becomes a wildcard
 */
public record MinerSettings(int depth, double similarity, int maxChildren, int maxTemplates, int maxTokens,
                            int maxTokenChars) implements java.io.Serializable {
    public static final MinerSettings DEFAULTS = new MinerSettings(4, 0.5, 100, 1000, 64, 64);

    public MinerSettings {
        require(depth >= 3 && depth <= 16, "depth must be in [3, 16], got " + depth);
        require(similarity > 0.0 && similarity <= 1.0, "similarity must be in (0, 1], got " + similarity);
        require(maxChildren >= 2, "maxChildren must be >= 2, got " + maxChildren);
        require(maxTemplates >= 1, "maxTemplates must be >= 1, got " + maxTemplates);
        require(maxTokens >= 2, "maxTokens must be >= 2, got " + maxTokens);
        require(maxTokenChars >= 8 && maxTokenChars <= 4096, "maxTokenChars must be in [8, 4096], got " + maxTokenChars);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public MinerSettings withMaxTemplates(int max) {
        return new MinerSettings(depth, similarity, maxChildren, max, maxTokens, maxTokenChars);
    }
}

package org.flinkrtrl.core.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.anomaly.Tails;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.LogStep;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.TypeVocabulary;
import org.flinkrtrl.core.optim.StateBytesIn;
import org.flinkrtrl.core.optim.StateBytesOut;
import org.flinkrtrl.record.LogPrediction;

/**
 * Everything one log source needs: an optional {@link TemplateMiner} (when events carry raw messages) and its
 * {@link LogLearner}. {@link #observe} turns one event into a {@link LogPrediction}; {@link #toBytes} /
 * {@link #fromBytes} hold both states (short format {@value #FORMAT}, a miner flag, the miner's own form, then the
 * learner in {@link LearnerCodec}'s form) and continue the source bit for bit.
 */
public final class LogSourceModel {
    public static final short FORMAT = 1;
    /**
     * Decimal digits of improbability that the anomaly score maps to 1/2: the sensor detector's default, so both
     * modes' scores read alike ({@link Tails#score}: score = L / (L + h), L = -log10 p).
     */
    public static final double HALF_SCORE_DIGITS = AnomalySettings.DEFAULTS.halfDigits();
    /** Type id of the messages the miner could not give a template (its cap was reached). */
    public static final String OVERFLOW_ID = "<overflow>";
    private final TemplateMiner miner;
    private final LogLearner learner;
    private final LogStep step;

    /** @param miner null when events carry pre-parsed types */
    public LogSourceModel(TemplateMiner miner, LogLearner learner, int topK) {
        this.miner = miner;
        this.learner = learner;
        this.step = new LogStep(topK);
    }

    /**
     * Scores and learns one event; {@code text} is the raw message when mining, else the type itself.
     *
     * @throws IllegalArgumentException for an empty type or one longer than {@link TypeVocabulary#MAX_LABEL_CHARS}
     */
    public LogPrediction observe(String text, long timestamp) {
        String typeId;
        String template;
        if (miner != null) {
            int id = miner.add(text);
            typeId = id == TemplateMiner.OVERFLOW ? OVERFLOW_ID : Integer.toString(id);
            template = miner.template(id);
        } else {
            typeId = text;
            template = text;
        }
        LogStep s = learner.observe(typeId, timestamp, step);
        LogPrediction p = new LogPrediction();
        p.timestamp = timestamp;
        p.typeId = typeId;
        p.template = template;
        p.probability = s.probability;
        p.surprise = s.surpriseBits;
        p.unseen = s.unseen;
        p.anomalyScore = s.scored() ? Tails.score(Math.log(s.probability), HALF_SCORE_DIGITS) : 0.0;
        p.topTypes = new String[s.topCount];
        p.topProbabilities = new double[s.topCount];
        for (int j = 0; j < s.topCount; j++) {
            String label = learner.vocabulary().label(s.topClasses[j]);
            p.topTypes[j] = miner != null && s.topClasses[j] != TypeVocabulary.UNSEEN && !label.equals(OVERFLOW_ID)
                ? miner.template(Integer.parseInt(label)) : label;
            p.topProbabilities[j] = s.topProbabilities[j];
        }
        return p;
    }

    public TemplateMiner miner() { return miner; }
    public LogLearner learner() { return learner; }
    public int topK() { return step.topClasses.length; }

    public byte[] toBytes() {
        StateBytesOut out = new StateBytesOut(4096);
        try {
            out.writeShort(FORMAT);
            out.writeInt(topK());
            out.writeBoolean(miner != null);
            if (miner != null) {
                miner.writeTo(out);
            }
            byte[] l = LearnerCodec.toBytes(learner);
            out.writeInt(l.length);
            out.write(l);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // StateBytesOut does not throw
        }
        return out.toByteArray();
    }

    public static LogSourceModel fromBytes(byte[] bytes) throws IOException {
        StateBytesIn in = new StateBytesIn(bytes);
        short format = in.readShort();
        if (format != FORMAT) {
            throw new IOException("log source state format " + format + " is not supported (this build reads "
                + FORMAT + ")");
        }
        int topK = in.readInt();
        TemplateMiner miner = in.readBoolean() ? TemplateMiner.readFrom(in) : null;
        int len = in.readInt();
        if (len < 0 || len > in.remaining()) {
            throw new IOException("log source state: learner of " + len + " bytes, " + in.remaining() + " left");
        }
        byte[] l = new byte[len];
        in.readFully(l);
        return new LogSourceModel(miner, LearnerCodec.logFromBytes(l), topK);
    }

    /** True when this source runs {@code config} with a miner of {@code minerSettings} (null: no miner). */
    public boolean matches(ModelConfig config, MinerSettings minerSettings, int topK) {
        return learner.config().equals(config) && topK == topK()
            && (miner == null ? minerSettings == null : miner.settings().equals(minerSettings));
    }
}

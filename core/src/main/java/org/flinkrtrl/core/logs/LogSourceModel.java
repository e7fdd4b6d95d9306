package org.flinkrtrl.core.logs;

import java.io.DataInput;
import java.io.DataOutput;
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
 * Everything one log source needs: an optional {@link TemplateMiner} (when events carry raw messages), its
 * {@link LogLearner} (the network), the {@link NextTypeMixture} of the network with the source's context counts,
 * which makes the source's predictions, the {@link GapModel} of when events come, and the
 * {@link SurpriseCalibration} of its anomaly score: an event's surprise is what type came (bits under the
 * mixture) plus when it came (the gap's surprise), calibrated to the source's own history. {@link #observe}
 * turns one event into a {@link LogPrediction}; {@link #toBytes} / {@link #fromBytes} hold all states (short format
 * {@value #FORMAT}, top-k, a miner flag, the miner's own form, the learner in {@link LearnerCodec}'s form, then the
 * block of the mixture and the calibration) and continue the source bit for bit. Format 1 (no such block) is read
 * by migration: miner and network carry over, counts and calibration start empty.
 */
public final class LogSourceModel {
    public static final short FORMAT = 2;
    /** Oldest format read. */
    public static final short OLDEST_FORMAT = 1;
    /**
     * Decimal digits of improbability that the anomaly score maps to 1/2: the sensor detector's default, so both
     * modes' scores read alike ({@link Tails#score}: score = L / (L + h), L = -log10 p).
     */
    public static final double HALF_SCORE_DIGITS = AnomalySettings.DEFAULTS.halfDigits();
    private static final double LN2 = Math.log(2.0);
    /** Type id of the messages the miner could not give a template (its cap was reached). */
    public static final String OVERFLOW_ID = "<overflow>";
    private final TemplateMiner miner;
    private final LogLearner learner;
    private final LogStep step;
    private final NextTypeMixture mixture = new NextTypeMixture();
    private final GapModel gaps = new GapModel();
    private final SurpriseCalibration calibration = new SurpriseCalibration(SurpriseCalibration.Settings.DEFAULTS);
    private final int[] topClasses;
    private final double[] topProbabilities;

    /** @param miner null when events carry pre-parsed types */
    public LogSourceModel(TemplateMiner miner, LogLearner learner, int topK) {
        this.miner = miner;
        this.learner = learner;
        this.step = new LogStep(topK);
        this.topClasses = new int[topK];
        this.topProbabilities = new double[topK];
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
        int classes = learner.vocabulary().size() + 1;
        LogStep s = learner.observe(typeId, timestamp, step);
        double gapNats = gaps.observe(timestamp);
        LogPrediction p = new LogPrediction();
        p.timestamp = timestamp;
        p.typeId = typeId;
        p.template = template;
        p.unseen = s.unseen;
        if (s.scored()) {
            double pm = mixture.score(s.scoredClass, classes, s.probability);
            p.probability = pm;
            p.surprise = -Math.log(Math.max(pm, Double.MIN_VALUE)) / LN2;
            p.networkSurprise = s.surpriseBits;
            p.contextSurprise = -Math.log(mixture.component(NextTypeMixture.CONTEXT)) / LN2;
            p.frequencySurprise = -Math.log(mixture.component(NextTypeMixture.FREQUENCY)) / LN2;
            p.gapSurprise = gapNats / LN2;
            p.anomalyScore = calibration.score((p.surprise + p.gapSurprise) * LN2);
        } else {
            p.probability = Double.NaN;
            p.surprise = Double.NaN;
            p.networkSurprise = Double.NaN;
            p.contextSurprise = Double.NaN;
            p.frequencySurprise = Double.NaN;
            p.gapSurprise = Double.NaN;
            p.anomalyScore = 0.0;
        }
        mixture.learn(s.scoredClass, s.inputClass);
        int k = topK(learner.vocabulary().size() + 1);
        p.topTypes = new String[k];
        p.topProbabilities = new double[k];
        for (int j = 0; j < k; j++) {
            String label = learner.vocabulary().label(topClasses[j]);
            p.topTypes[j] = miner != null && topClasses[j] != TypeVocabulary.UNSEEN && !label.equals(OVERFLOW_ID)
                ? miner.template(Integer.parseInt(label)) : label;
            p.topProbabilities[j] = topProbabilities[j];
        }
        return p;
    }

    /** The mixture's most probable next classes, highest first (ties: lower class first); returns how many. */
    private int topK(int active) {
        int k = Math.min(topClasses.length, active);
        for (int j = 0; j < k; j++) {
            int best = -1;
            double bestP = -1.0;
            for (int c = 0; c < active; c++) {
                boolean taken = false;
                for (int i = 0; i < j; i++) {
                    taken |= topClasses[i] == c;
                }
                if (taken) {
                    continue;
                }
                double pc = mixture.probability(c, active, learner.probability(c));
                if (pc > bestP) {
                    bestP = pc;
                    best = c;
                }
            }
            topClasses[j] = best;
            topProbabilities[j] = bestP;
        }
        return k;
    }

    /** The mixture's probability of class {@code c} next (0 for a class not in use). */
    public double probability(int c) {
        int active = learner.vocabulary().size() + 1;
        return c < 0 || c >= active || !learner.network().hasOutput() ? 0.0
            : mixture.probability(c, active, learner.probability(c));
    }

    public TemplateMiner miner() { return miner; }
    public LogLearner learner() { return learner; }
    public NextTypeMixture mixture() { return mixture; }
    public SurpriseCalibration calibration() { return calibration; }
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
            writeMixtureBlock(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // StateBytesOut does not throw
        }
        return out.toByteArray();
    }

    public static LogSourceModel fromBytes(byte[] bytes) throws IOException {
        StateBytesIn in = new StateBytesIn(bytes);
        short format = in.readShort();
        if (format < OLDEST_FORMAT || format > FORMAT) {
            throw new IOException("log source state format " + format + " is not supported (this build reads "
                + OLDEST_FORMAT + " to " + FORMAT + ")");
        }
        int topK = in.readInt();
        TemplateMiner miner = in.readBoolean() ? TemplateMiner.readFrom(in) : null;
        int len = in.readInt();
        if (len < 0 || len > in.remaining()) {
            throw new IOException("log source state: learner of " + len + " bytes, " + in.remaining() + " left");
        }
        byte[] l = new byte[len];
        in.readFully(l);
        LogSourceModel m = new LogSourceModel(miner, LearnerCodec.logFromBytes(l), topK);
        if (format >= 2) {
            m.readMixtureBlock(in);
        }
        if (in.remaining() != 0) {
            throw new IOException("log source state: " + in.remaining() + " bytes after the state");
        }
        return m;
    }

    /** Format 2's block: the mixture with its counts, the gap model, then the calibration. */
    private void writeMixtureBlock(DataOutput out) throws IOException {
        mixture.write(out);
        gaps.write(out);
        calibration.write(out);
    }

    private void readMixtureBlock(DataInput in) throws IOException {
        mixture.read(in);
        gaps.read(in);
        calibration.read(in);
    }

    /** True when this source runs {@code config} with a miner of {@code minerSettings} (null: no miner). */
    public boolean matches(ModelConfig config, MinerSettings minerSettings, int topK) {
        return (learner.config() == config || learner.config().equals(config)) && topK == topK()
            && (miner == null ? minerSettings == null : miner.settings().equals(minerSettings));
    }
}

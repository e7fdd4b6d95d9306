package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.HEAD;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Next-event model of one log source: an {@link OnlineLearner} with a softmax head over a bounded per-source
 * vocabulary of event types ({@link TypeVocabulary}) plus the class {@link TypeVocabulary#UNSEEN}.
 *
 * <p>Per event of type y at time t: the event is scored against the prediction made at the previous event (its
 * class if y is in the vocabulary, else the unseen class: the model learns how often new types appear), with the
 * softmax renormalised over the classes in use (the unseen class and the types in the vocabulary: a class not yet
 * given to a type cannot occur next), and the
 * network learns from it with cross-entropy. Then y joins the vocabulary if it is new and there is room (otherwise
 * it is an overflow and enters as the unseen class), and the network advances on the input
 * [one-hot(class of y); ln(1 + seconds since the previous event)] to predict the next event.
 *
 * <p>The config must have a softmax head with {@code outputs = capacity + 1} classes and {@code inputs = outputs + 1}
 * (see {@link #config}). A network whose weights become non-finite is re-initialised (counted in {@link #resets()});
 * the vocabulary is kept. The per-event step allocates nothing once a type is known. Not thread-safe.
 */
public final class LogLearner {
    private static final double LN2 = Math.log(2.0);
    private final OnlineLearner net;
    private final TypeVocabulary vocabulary;
    private final double[] x;
    private long lastTime;
    private long events;
    private long scored;
    private long newTypes;
    private long overflowEvents;
    private long resets;
    private double sumBits;

    /** {@code base} with the softmax head and the sizes of a log model over {@code capacity} types. */
    public static ModelConfig config(ModelConfig base, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("vocabulary capacity must be >= 1, got " + capacity);
        }
        return base.toBuilder().set(HEAD, ModelConfig.Head.SOFTMAX).set(OUTPUTS, capacity + 1)
            .set(INPUTS, capacity + 2).build();
    }

    public LogLearner(ModelConfig config) {
        this(config, config.seed());
    }

    public LogLearner(ModelConfig config, long streamSeed) {
        this(config, streamSeed, true);
    }

    LogLearner(ModelConfig config, long streamSeed, boolean initialise) {
        if (config.head() != ModelConfig.Head.SOFTMAX || config.inputs() != config.outputs() + 1) {
            throw new IllegalArgumentException("a log model needs a softmax head and inputs = classes + 1; got head "
                + config.head() + ", " + config.inputs() + " inputs, " + config.outputs() + " classes");
        }
        this.net = new OnlineLearner(config, streamSeed, initialise);
        this.vocabulary = new TypeVocabulary(config.outputs() - 1);
        this.x = new double[config.inputs()];
    }

    /**
     * Scores and learns one event of type {@code type} at {@code timeMillis} and predicts the next.
     *
     * @throws IllegalArgumentException for an empty or over-long type (nothing is changed)
     */
    public LogStep observe(String type, long timeMillis, LogStep out) {
        TypeVocabulary.checkLabel(type);
        int known = vocabulary.classOf(type);
        out.unseen = known < 0;
        out.scoredClass = out.unseen ? TypeVocabulary.UNSEEN : known;
        if (net.hasOutput()) {
            double p = net.output()[out.scoredClass] / activeMass(net.output(), vocabulary.size() + 1);
            out.probability = p;
            out.surpriseBits = -Math.log(Math.max(p, Double.MIN_VALUE)) / LN2;
            net.learnClass(out.scoredClass, vocabulary.size() + 1);
            scored++;
            sumBits += out.surpriseBits;
        } else {
            out.probability = Double.NaN;
            out.surpriseBits = Double.NaN;
        }
        out.overflow = false;
        out.inputClass = known;
        if (out.unseen) {
            out.inputClass = vocabulary.add(type);
            out.overflow = out.inputClass == TypeVocabulary.UNSEEN;
            if (out.overflow) {
                overflowEvents++;
            } else {
                newTypes++;
            }
        }
        double dtSeconds = events == 0 ? 0.0 : Math.max(0L, timeMillis - lastTime) / 1000.0;
        Arrays.fill(x, 0.0);
        x[out.inputClass] = 1.0;
        x[x.length - 1] = Math.log1p(dtSeconds);
        lastTime = timeMillis;
        events++;
        net.advance(x);
        if (!net.isFinite()) {
            net.initialise();
            resets++;
            net.advance(x);
        } else if (net.influenceWasReset()) {
            resets++; // the influence estimate exploded and was zeroed (GradientEstimator#influenceScale)
        }
        topK(net.output(), vocabulary.size() + 1, out);
        return out;
    }

    /** Softmax mass of the classes in use: the unseen class and the vocabulary's types. */
    private static double activeMass(double[] p, int active) {
        double sum = 0.0;
        for (int c = 0; c < active; c++) {
            sum += p[c];
        }
        return sum;
    }

    /**
     * The probability of class {@code c} in the latest prediction, renormalised over the classes in use (the unseen
     * class and the vocabulary's types; the classes of types not yet seen cannot occur next).
     */
    public double probability(int c) {
        int active = vocabulary.size() + 1;
        if (c < 0 || c >= active || !net.hasOutput()) {
            return 0.0;
        }
        return net.output()[c] / activeMass(net.output(), active);
    }

    /** The k most probable classes in use, highest first (ties: lower class first), renormalised over them. */
    private static void topK(double[] p, int active, LogStep out) {
        double mass = activeMass(p, active);
        int k = Math.min(out.topClasses.length, active);
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < active; c++) {
                if (taken(out.topClasses, j, c)) {
                    continue;
                }
                if (best < 0 || p[c] > p[best]) {
                    best = c;
                }
            }
            out.topClasses[j] = best;
            out.topProbabilities[j] = p[best] / mass;
        }
        out.topCount = k;
    }

    private static boolean taken(int[] chosen, int count, int c) {
        for (int i = 0; i < count; i++) {
            if (chosen[i] == c) {
                return true;
            }
        }
        return false;
    }

    public ModelConfig config() { return net.config(); }
    public TypeVocabulary vocabulary() { return vocabulary; }
    /** The network (live; for tests and diagnostics). */
    public OnlineLearner network() { return net; }
    public long events() { return events; }
    /** Events scored (all but the first). */
    public long scoredEvents() { return scored; }
    /** Types added to the vocabulary. */
    public long newTypes() { return newTypes; }
    /** Events whose type was new while the vocabulary was full. */
    public long overflowEvents() { return overflowEvents; }
    /** Re-initialisations after non-finite weights. */
    public long resets() { return resets; }
    /** Sum of the scored events' surprise, bits. */
    public double totalBits() { return sumBits; }

    void writeState(DataOutput o) throws IOException {
        vocabulary.write(o);
        o.writeLong(lastTime);
        o.writeLong(events);
        o.writeLong(scored);
        o.writeLong(newTypes);
        o.writeLong(overflowEvents);
        o.writeLong(resets);
        o.writeDouble(sumBits);
        net.writeState(o);
    }

    void readState(DataInput in) throws IOException {
        readState(in, LearnerCodec.VERSION);
    }

    /** Reads what {@link #writeState} wrote in codec format {@code version}. */
    void readState(DataInput in, int version) throws IOException {
        vocabulary.read(in);
        lastTime = in.readLong();
        events = in.readLong();
        scored = in.readLong();
        newTypes = in.readLong();
        overflowEvents = in.readLong();
        resets = in.readLong();
        sumBits = in.readDouble();
        net.readState(in, version);
    }
}

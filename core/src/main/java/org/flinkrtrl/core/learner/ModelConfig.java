package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import org.flinkrtrl.core.grad.Method;

/**
 * Everything that defines a per-stream model: cell, sizes, gradient method, optimiser, resets, seed, and the
 * forecaster's normalisation, anomaly and divergence settings. Immutable, with structural equality, and written into
 * every learner state so a restored model is self-describing.
 *
 * <p>Each component is one setting of {@link ModelSettings}, which holds its key, default, rule and description
 * (see there for adding one). Build configs with {@link #builder()} or {@link #toBuilder()}: they validate every
 * value, which the canonical constructor does not.
 */
public record ModelConfig(
    CellType cell,
    int hidden,
    int inputs,
    /* Regression: number of outputs; softmax: number of classes. */
    int outputs,
    Head head,
    double huberDelta,
    Method method,
    int rank,
    int truncation,
    OptimizerType optimizer,
    double learningRate,
    double beta1,
    double beta2,
    double epsilon,
    double clipNorm,
    double readoutClipNorm,
    int resetPeriod,
    long seed,
    double initGain,
    double readoutInitStd,
    double anomalyAlpha,
    double divergenceLoss,
    double lruRMin,
    double lruRMax,
    double lruMaxPhase,
    int lruReadoutWidth,
    boolean seasonalContext,
    boolean linearPath,
    boolean recurrentPath,
    double intervalLevel,
    String timeZone,
    int maxLagSteps,
    double linearForgetting,
    int updatePeriod) implements Serializable {

    public enum CellType { TANH, GATED }

    public enum Head { REGRESSION, SOFTMAX }

    public enum OptimizerType { ADAM, SGD }

    /** A builder holding every default of {@link ModelSettings}. */
    public static Builder builder() {
        return new Builder(ModelSettings.defaults());
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(ModelSettings.values(this));
    }

    /** This config with one setting changed (validated). */
    public <T> ModelConfig with(ModelSetting<T> setting, T value) {
        return toBuilder().set(setting, value).build();
    }

    /** Stable binary form, written at the head of every learner state. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(cell.ordinal());
        out.writeInt(hidden);
        out.writeInt(inputs);
        out.writeInt(outputs);
        out.writeByte(head.ordinal());
        out.writeDouble(huberDelta);
        out.writeByte(method.ordinal());
        out.writeInt(rank);
        out.writeInt(truncation);
        out.writeByte(optimizer.ordinal());
        out.writeDouble(learningRate);
        out.writeDouble(beta1);
        out.writeDouble(beta2);
        out.writeDouble(epsilon);
        out.writeDouble(clipNorm);
        out.writeDouble(readoutClipNorm);
        out.writeInt(resetPeriod);
        out.writeLong(seed);
        out.writeDouble(initGain);
        out.writeDouble(readoutInitStd);
        out.writeDouble(anomalyAlpha);
        out.writeDouble(divergenceLoss);
        if (method == Method.LRU) { // only lru has them: the other methods' bytes stay as they were
            out.writeDouble(lruRMin);
            out.writeDouble(lruRMax);
            out.writeDouble(lruMaxPhase);
            out.writeInt(lruReadoutWidth); // format 6 on
        }
        out.writeBoolean(seasonalContext);
        out.writeBoolean(linearPath);
        out.writeBoolean(recurrentPath);
        out.writeDouble(intervalLevel);
        out.writeUTF(timeZone);
        out.writeInt(maxLagSteps);
        out.writeDouble(linearForgetting);
        out.writeInt(updatePeriod);
    }

    /** Reads what {@link #writeTo} wrote and validates it. */
    public static ModelConfig readFrom(DataInput in) throws IOException {
        return readFrom(in, LearnerCodec.VERSION);
    }

    /**
     * Reads a config written in learner state format {@code version}: format 1 ends after divergenceLoss, so the
     * forecaster's settings (seasonalContext ... linearForgetting) take their defaults; formats 1 and 2 end before
     * updatePeriod, which then takes its default (1: a step per gradient, as those builds trained); method lru's block
     * ends with the readout width from format 6 on (formats 1-5: an MLP of {@code hidden} features, as they ran).
     */
    public static ModelConfig readFrom(DataInput in, int version) throws IOException {
        Builder b = builder()
            .set(CELL, CellType.values()[in.readByte()])
            .set(HIDDEN, in.readInt())
            .set(INPUTS, in.readInt())
            .set(OUTPUTS, in.readInt())
            .set(HEAD, Head.values()[in.readByte()])
            .set(HUBER_DELTA, in.readDouble())
            .set(METHOD, Method.values()[in.readByte()])
            .set(RANK, in.readInt())
            .set(TRUNCATION, in.readInt())
            .set(OPTIMIZER, OptimizerType.values()[in.readByte()])
            .set(LEARNING_RATE, in.readDouble())
            .set(BETA1, in.readDouble())
            .set(BETA2, in.readDouble())
            .set(EPSILON, in.readDouble())
            .set(CLIP_NORM, in.readDouble())
            .set(READOUT_CLIP_NORM, in.readDouble())
            .set(RESET_PERIOD, in.readInt())
            .set(SEED, in.readLong())
            .set(INIT_GAIN, in.readDouble())
            .set(READOUT_INIT_STD, in.readDouble())
            .set(ANOMALY_ALPHA, in.readDouble())
            .set(DIVERGENCE_LOSS, in.readDouble());
        if (b.get(METHOD) == Method.LRU) {
            b.set(LRU_R_MIN, in.readDouble()).set(LRU_R_MAX, in.readDouble()).set(LRU_MAX_PHASE, in.readDouble());
            // formats 1-5 had no width: their LRU's readout was an MLP with one feature per unit
            b.set(LRU_READOUT_WIDTH, version >= 6 ? in.readInt() : b.get(HIDDEN));
        }
        if (version >= 2) {
            b.set(SEASONAL_CONTEXT, in.readBoolean())
                .set(LINEAR_PATH, in.readBoolean())
                .set(RECURRENT_PATH, in.readBoolean())
                .set(INTERVAL_LEVEL, in.readDouble())
                .set(TIME_ZONE, in.readUTF())
                .set(MAX_LAG_STEPS, in.readInt())
                .set(LINEAR_FORGETTING, in.readDouble());
        }
        if (version >= 3) {
            b.set(UPDATE_PERIOD, in.readInt());
        }
        return b.buildDecoded();
    }

    /** The config built last by {@link Builder#buildDecoded()}, with the values it was built from. */
    private record Decoded(Object[] values, ModelConfig config) {}

    private static volatile Decoded lastDecoded;

    /** Collects values by {@link ModelSetting}; {@link #build()} validates them all. */
    public static final class Builder {
        private final Object[] values;

        private Builder(Object[] values) {
            this.values = values;
        }

        public <T> Builder set(ModelSetting<T> setting, T value) {
            values[setting.index()] = setting.type().cast(java.util.Objects.requireNonNull(value, setting.key()));
            return this;
        }

        public <T> T get(ModelSetting<T> setting) {
            return setting.type().cast(values[setting.index()]);
        }

        /**
         * The config, after checking every value against its setting's rule.
         *
         * @throws IllegalArgumentException {@code "<key> <rule>, got <value>"} for the first invalid value
         */
        public ModelConfig build() {
            return ModelSettings.build(values.clone());
        }

        /**
         * {@link #build()} for the codec: the states of one job's models all carry the same config, so the config
         * built last is returned again, without re-validating, when the values are equal (boxed values compared with
         * {@code equals}, doubles by their bits). Any other values are validated and built as by {@link #build()}.
         */
        ModelConfig buildDecoded() {
            Decoded last = lastDecoded;
            if (last != null && java.util.Arrays.equals(last.values(), values)) {
                return last.config();
            }
            ModelConfig c = build();
            lastDecoded = new Decoded(values.clone(), c);
            return c;
        }
    }
}

package org.flinkrtrl.core.lifecycle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.flinkrtrl.core.learner.ForecastingLearner;

/**
 * What a key's model carries besides the model itself: the operator's per-key overrides (learning rate, frozen,
 * anomaly threshold, anomaly warm-up), the last control command applied to the key, and the monitor of the model's
 * prequential error (rolling error, drift test, boost countdown). Kept apart from the learner state so neither
 * format depends on the other; written by its own versioned codec ({@link #write} / {@link #readFrom}).
 *
 * <p><b>Per event</b>: {@link #prepare} hands the overrides (and a running boost) to the model before it learns;
 * {@link #observe} folds the event's error into the rolling error and the drift test afterwards and says whether the
 * drift reaction asks for a fresh model.
 *
 * <p><b>Commands</b> are applied in the order of (event time, id) ({@link #compare}); {@link #markApplied} records the
 * last one, so a command is never applied twice to a key, also after a restore.
 *
 * <p><b>Idle expiry</b>: the processing time of the key's last event ({@link #lastSeen}) and of its pending expiry
 * timer ({@link #expiryTimer}), kept by the operator (which decides from them when the key's state is dropped); both
 * {@link #NONE} when unknown. They never influence a model's outputs.
 *
 * <p>Layout, format {@value #VERSION}: byte version; double learningRate (NaN = the job's), boolean frozen, double
 * anomalyThreshold (NaN = the job's), int warmUp (-1 = the job's); long appliedTime, UTF appliedId, long
 * commandsApplied; long scored, double errorSum, double errorDecay, long drifts, int boostLeft, boolean hasDetector
 * [, the {@link PageHinkley} settings and state]; then the idle-expiry block: long lastSeen, long expiryTimer.
 * Format 1 (the same without the idle-expiry block) is read with both times {@link #NONE}.
 */
public final class KeyLifecycle {
    public static final byte VERSION = 2;
    /** The applied marker of a key that has applied no command. */
    public static final long NONE = Long.MIN_VALUE;

    private double learningRate = Double.NaN;
    private boolean frozen;
    private double anomalyThreshold = Double.NaN;
    private int warmUp = -1;

    private long appliedTime = NONE;
    private String appliedId = "";
    private long commandsApplied;

    private long scored;
    private double errorSum;
    private double errorDecay = 1.0;
    private long drifts;
    private int boostLeft;
    private PageHinkley detector;

    private boolean drift;

    private long lastSeen = NONE;
    private long expiryTimer = NONE;

    /** (time, id) order of control commands: by event time, then by id. */
    public static int compare(long timeA, String idA, long timeB, String idB) {
        int c = Long.compare(timeA, timeB);
        return c != 0 ? c : idA.compareTo(idB);
    }

    // ---- overrides ----

    /** The key's network learning rate, or NaN for the job's. */
    public double learningRate() { return learningRate; }
    public void setLearningRate(double rate) { this.learningRate = rate; }
    public boolean frozen() { return frozen; }
    public void setFrozen(boolean frozen) { this.frozen = frozen; }
    /** The key's anomaly threshold, or NaN for the job's. */
    public double anomalyThreshold() { return anomalyThreshold; }
    public void setAnomalyThreshold(double t) { this.anomalyThreshold = t; }
    /** The key's anomaly warm-up in events, or -1 for the detector's own. */
    public int warmUp() { return warmUp; }
    public void setWarmUp(int events) { this.warmUp = events; }

    /** The threshold in force: the key's, else {@code jobThreshold}. */
    public double thresholdOr(double jobThreshold) {
        return Double.isNaN(anomalyThreshold) ? jobThreshold : anomalyThreshold;
    }

    // ---- applied commands ----

    /** True when the command (time, id) comes after the last one this key applied. */
    public boolean pending(long time, String id) {
        return appliedTime == NONE && appliedId.isEmpty() || compare(time, id, appliedTime, appliedId) > 0;
    }

    /** Records that the key applied command (time, id). */
    public void markApplied(long time, String id) {
        passed(time, id);
        commandsApplied++;
    }

    /** Records that the key is past command (time, id), which was not for it. */
    public void passed(long time, String id) {
        appliedTime = time;
        appliedId = id;
    }

    /** Drops every override: the job's learning rate, threshold and learning; the warm-up stays as set. */
    public void clearOverrides() {
        learningRate = Double.NaN;
        anomalyThreshold = Double.NaN;
        frozen = false;
        warmUp = -1;
    }

    public long appliedTime() { return appliedTime; }
    public String appliedId() { return appliedId; }
    public long commandsApplied() { return commandsApplied; }

    // ---- monitor ----

    /**
     * Before {@code model} sees an event: its learning-rate factor (the key's rate over the job's, times the boost
     * while one runs), frozen flag and anomaly warm-up. Counts the event against a running boost.
     */
    public void prepare(ForecastingLearner model, MonitorConfig cfg) {
        double factor = Double.isNaN(learningRate) ? 1.0 : learningRate / model.config().learningRate();
        if (boostLeft > 0) {
            factor *= cfg.driftBoost();
            boostLeft--;
        }
        model.setLearningRateFactor(factor);
        model.setFrozen(frozen);
        if (warmUp >= 0) {
            model.setAnomalyWarmUp(warmUp);
        }
    }

    /**
     * After the model learned from an event whose prequential error was {@code error} (NaN when nothing was
     * forecast for it): updates the rolling error and the drift test.
     *
     * @return true when a drift was detected and the reaction is {@link DriftReaction#RESET} (not while frozen): the
     *     caller replaces the model and then calls {@link #modelReplaced}
     */
    public boolean observe(double error, MonitorConfig cfg) {
        drift = false;
        if (Double.isNaN(error)) {
            return false;
        }
        double rate = 1.0 / cfg.errorWindow();
        errorSum = (1.0 - rate) * errorSum + rate * error;
        errorDecay *= 1.0 - rate;
        scored++;
        if (!cfg.drift()) {
            return false;
        }
        if (detector == null || !cfg.runs(detector)) {
            detector = cfg.newDetector();
        }
        drift = detector.update(error);
        if (!drift) {
            return false;
        }
        drifts++;
        if (frozen) {
            return false;
        }
        if (cfg.driftReaction() == DriftReaction.BOOST) {
            boostLeft = cfg.driftBoostEvents();
        }
        return cfg.driftReaction() == DriftReaction.RESET;
    }

    /** The key's model was replaced (reset or import): the rolling error, the drift test and a boost start over. */
    public void modelReplaced() {
        scored = 0;
        errorSum = 0.0;
        errorDecay = 1.0;
        boostLeft = 0;
        if (detector != null) {
            detector.reset();
        }
    }

    /** Exponentially weighted mean of the scored events' errors (bias-corrected); NaN before the first. */
    public double rollingError() {
        return scored == 0 ? Double.NaN : errorSum / (1.0 - errorDecay);
    }

    /** True when the last observed event completed a drift detection. */
    public boolean drift() { return drift; }
    /** Drifts detected on this key. */
    public long drifts() { return drifts; }
    /** Events the running boost still lasts. */
    public int boostLeft() { return boostLeft; }
    /** The drift test's statistic (0 before it runs). */
    public double driftStatistic() { return detector == null ? 0.0 : detector.statistic(); }

    // ---- idle expiry ----

    /** Processing time (ms) of the key's last event, {@link #NONE} when unknown (new key, older state format). */
    public long lastSeen() { return lastSeen; }
    public void setLastSeen(long processingTime) { this.lastSeen = processingTime; }
    /** Processing time (ms) of the key's pending expiry timer, {@link #NONE} when none is known. */
    public long expiryTimer() { return expiryTimer; }
    public void setExpiryTimer(long processingTime) { this.expiryTimer = processingTime; }

    // ---- codec ----

    public void write(DataOutput o) throws IOException {
        o.writeByte(VERSION);
        o.writeDouble(learningRate);
        o.writeBoolean(frozen);
        o.writeDouble(anomalyThreshold);
        o.writeInt(warmUp);
        o.writeLong(appliedTime);
        o.writeUTF(appliedId);
        o.writeLong(commandsApplied);
        o.writeLong(scored);
        o.writeDouble(errorSum);
        o.writeDouble(errorDecay);
        o.writeLong(drifts);
        o.writeInt(boostLeft);
        o.writeBoolean(detector != null);
        if (detector != null) {
            detector.write(o);
        }
        writeExpiry(o);
    }

    private void writeExpiry(DataOutput o) throws IOException {
        o.writeLong(lastSeen);
        o.writeLong(expiryTimer);
    }

    private void readExpiry(DataInput in) throws IOException {
        lastSeen = in.readLong();
        expiryTimer = in.readLong();
    }

    public static KeyLifecycle readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != VERSION && version != 1) {
            throw new IOException("key lifecycle state format " + version + " is not supported (this build reads "
                + "1 to " + VERSION + ")");
        }
        KeyLifecycle k = new KeyLifecycle();
        k.learningRate = in.readDouble();
        k.frozen = in.readBoolean();
        k.anomalyThreshold = in.readDouble();
        k.warmUp = in.readInt();
        k.appliedTime = in.readLong();
        k.appliedId = in.readUTF();
        k.commandsApplied = in.readLong();
        k.scored = in.readLong();
        k.errorSum = in.readDouble();
        k.errorDecay = in.readDouble();
        k.drifts = in.readLong();
        k.boostLeft = in.readInt();
        if (in.readBoolean()) {
            k.detector = PageHinkley.readFrom(in);
        }
        if (version >= 2) {
            k.readExpiry(in);
        }
        return k;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(96);
        try (DataOutputStream o = new DataOutputStream(b)) {
            write(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    public static KeyLifecycle fromBytes(byte[] bytes) throws IOException {
        return readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}

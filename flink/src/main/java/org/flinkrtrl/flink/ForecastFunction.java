package org.flinkrtrl.flink;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.KernelWarmUp;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.core.math.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One online forecaster per key. For every valid event it loads the key's {@link ForecastingLearner} (created on the
 * key's first event with a seed derived from the job seed and the key), lets it score, learn and forecast, stores it
 * back and emits one {@link Prediction}: the same object for every event, refilled (arrays included), so the
 * per-event path allocates no output; with object reuse enabled a downstream function must not keep it (Flink's
 * rule for object reuse), without it Flink hands on a copy. Invalid events go to
 * {@link LearnerOperator#DEAD_LETTERS} with stage {@code "validate"} and never touch the state. Should the core still throw on an event (a bug, or statistics
 * overflowing on extreme values), the key's model is dropped, the event goes to the dead letters with stage
 * {@code "learn"}, and the job and all other keys carry on.
 *
 * <p>State: one {@code ValueState<ForecastingLearner>} with {@link LearnerSerializer}. Optional idle expiry
 * ({@link IdleExpiry}, processing time, no Flink state TTL): a key whose last event is at least the TTL ago starts
 * from a fresh model and lifecycle at its next event, and a processing-time timer clears the states of a key that
 * stays idle within the TTL plus max(1 s, TTL / 8) of its last event ({@code keysExpired}). Run by
 * {@link ModelCacheOperator} on RocksDB, the decoded models live in a per-subtask {@link ModelCache} and reach the
 * state before every checkpoint and on eviction.
 *
 * <p>At {@link #open} every subtask logs which dense kernels its JVM uses ({@link Kernels#describe()}: Vector API or
 * the plain fallback, with the JVM flag that enables the former) and exposes the name as the gauge
 * {@code rtrl.kernels}.
 *
 * <p>A stored model built with a different configuration than the job's (a restore after the model options,
 * forecaster settings included, changed) is replaced by a fresh model and counted in {@code modelResets}: all models always run
 * the declared configuration. A model stored in an older state format is migrated by the codec (what was carried
 * over and what started fresh is in {@link ForecastingLearner#migration()}); it is counted in
 * {@code modelsMigrated} and the reason logged (the first per subtask at INFO, the rest at DEBUG).
 *
 * <p>Warm start (optional): a new key's model (first event, expired state, reset) starts from a template's
 * parameters, e.g. the average of models exported from another job, instead of its random initialisation; it
 * keeps its own seed, hidden and influence state and statistics ({@code learnersWarmStarted}).
 *
 * <p>Each event is given to the learner with its event time, which drives the key's seasonal lags and calendar
 * features; every prediction carries the probabilistic forecast (scale and central interval).
 *
 * <p>Beside the model, each key has its lifecycle state ({@link KeyMonitor}, state {@value KeyMonitor#STATE_NAME}):
 * the overrides set by control commands (learning rate, frozen, anomaly threshold and warm-up), handed to the model
 * before every event, and the monitor of its prequential error: every prediction carries the key's rolling error
 * and whether this event completed a drift detection; the drift reaction ({@link MonitorConfig#driftReaction()})
 * may boost the learning rate or replace the model by a fresh one. Control commands themselves arrive through
 * {@link ControlledForecastFunction}.
 */
public class ForecastFunction extends KeyedProcessFunction<String, Event, Prediction>
    implements ModelCacheHost, ExpiryHost {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastFunction.class);

    /** State name; part of the savepoint layout, do not rename. */
    public static final String STATE_NAME = "rtrl-learner";

    /** Dead-letter stage of events the operator refused before learning. */
    public static final String STAGE_VALIDATE = "validate";
    /** Dead-letter stage of events on which the core failed; the key's model was reset. */
    public static final String STAGE_LEARN = "learn";

    private final ModelConfig config;
    private final Duration ttl;
    private final double anomalyThreshold;
    private final MonitorConfig monitorConfig;
    private final WarmStartTemplate warmStart;

    private transient ValueState<ForecastingLearner> state;
    /** The state, or a {@link ModelCache} in front of it when {@link ModelCacheOperator} attached one. */
    private transient ModelStore<ForecastingLearner> models;
    private transient ModelCache<ForecastingLearner> cache;
    private transient LearnerMetrics metrics;
    private transient KeyMonitor monitor;
    private transient IdleExpiry expiry;
    /** The one prediction this function emits, refilled for every event (its arrays too). */
    private transient Prediction emitted;

    /**
     * @param config           model configuration; {@code config.inputs} is the number of values per event (the
     *                         forecaster derives its network's own sizes from it)
     * @param ttl              idle-key state TTL; null or zero disables expiry
     * @param anomalyThreshold anomaly score above which an event counts as an anomaly in the metrics
     */
    public ForecastFunction(ModelConfig config, Duration ttl, double anomalyThreshold) {
        this(config, ttl, anomalyThreshold, MonitorSettings.DEFAULTS, null);
    }

    /** @param monitorConfig the rolling error's and the drift test's settings */
    public ForecastFunction(ModelConfig config, Duration ttl, double anomalyThreshold, MonitorConfig monitorConfig) {
        this(config, ttl, anomalyThreshold, monitorConfig, null);
    }

    /** With the default monitor; see the next constructor for {@code warmStart}. */
    public ForecastFunction(ModelConfig config, Duration ttl, double anomalyThreshold, WarmStartTemplate warmStart) {
        this(config, ttl, anomalyThreshold, MonitorSettings.DEFAULTS, warmStart);
    }

    /**
     * As above; a new key's model starts from {@code warmStart}'s parameters ({@link ForecastingLearner#warmStart})
     * instead of its random initialisation, with its own seed, state and statistics. Null: every new key starts
     * cold.
     *
     * @throws IllegalArgumentException when the template was built for another configuration than {@code config}
     */
    public ForecastFunction(ModelConfig config, Duration ttl, double anomalyThreshold, MonitorConfig monitorConfig,
                            WarmStartTemplate warmStart) {
        Objects.requireNonNull(config, "config");
        if (warmStart != null && !warmStart.config().equals(config)) {
            throw new IllegalArgumentException("the warm-start models ran another configuration than the job's: "
                + warmStart.config() + " vs " + config);
        }
        if (config.head() != ModelConfig.Head.REGRESSION) {
            throw new IllegalArgumentException("the forecaster needs a regression head, got " + config.head());
        }
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be >= 0, got " + ttl);
        }
        if (!Double.isFinite(anomalyThreshold)) {
            throw new IllegalArgumentException("anomalyThreshold must be finite, got " + anomalyThreshold);
        }
        this.config = config;
        this.ttl = ttl == null ? Duration.ZERO : ttl;
        this.anomalyThreshold = anomalyThreshold;
        this.monitorConfig = Objects.requireNonNull(monitorConfig, "monitorConfig");
        this.warmStart = warmStart;
    }

    /** State name of a key's lifecycle (control overrides, error monitor); part of the savepoint layout. */
    public static final String LIFECYCLE_STATE_NAME = KeyMonitor.STATE_NAME;

    /** The lifecycle state's descriptor; for state-processor tooling. */
    public static ValueStateDescriptor<KeyLifecycle> lifecycleDescriptor() {
        return KeyMonitor.stateDescriptor(KeyMonitor.STATE_NAME);
    }

    /**
     * The model state's descriptor, without Flink state TTL (idle keys expire by {@link IdleExpiry}); state written
     * with the TTL descriptors of earlier builds restores into it. Public for state-processor tooling and tests.
     */
    public static ValueStateDescriptor<ForecastingLearner> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, LearnerSerializer.INSTANCE);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        state = getRuntimeContext().getState(stateDescriptor());
        models = ModelStore.of(state);
        metrics = new LearnerMetrics(getRuntimeContext().getMetricGroup(), Kernels.get().name());
        monitor = new KeyMonitor(getRuntimeContext(), monitorConfig);
        expiry = new IdleExpiry(ttl);
        // Once per subtask, so an operator user can see in every TaskManager's log whether the SIMD path is on.
        LOG.info("{}: kernels: {}", getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(), Kernels.describe());
        // JIT warm-up of the SIMD kernels beside the task (once per JVM and network shape; changes no result)
        KernelWarmUp.startForForecaster(config);
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Prediction> out) throws Exception {
        String reason = EventValidation.reason(e, config.inputs());
        if (reason != null) {
            metrics.invalid.inc();
            ctx.output(LearnerOperator.DEAD_LETTERS,
                DeadLetter.bounded(STAGE_VALIDATE, reason, String.valueOf(e), e == null ? null : e.key,
                    e == null ? Long.MIN_VALUE : e.timestamp, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES));
            return;
        }
        long p0 = PartTimers.ON ? System.nanoTime() : 0L;
        long now = ctx.timerService().currentProcessingTime();
        learn(e, ctx, out, live(now), now);
        if (PartTimers.ON) {
            PartTimers.process(System.nanoTime() - p0);
        }
    }

    /**
     * The current key's lifecycle at processing time {@code now}; when the key was idle for the TTL, its model and
     * lifecycle are dropped first and a fresh lifecycle is returned, as if the key were new.
     */
    KeyLifecycle live(long now) throws Exception {
        KeyLifecycle life = monitor.stored();
        if (life == null) {
            return new KeyLifecycle();
        }
        if (expiry.expired(life, now)) {
            expire();
            return new KeyLifecycle();
        }
        return life;
    }

    /** Drops the current key's model (and its cache entry) and lifecycle. */
    private void expire() throws Exception {
        IdleExpiry.expire(monitor, models, metrics.keysExpired);
    }

    /** The key's expiry timer: clears an idle key's states, re-arms for any other. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Prediction> out) throws Exception {
        expiryTimer(timestamp, ctx.timerService());
    }

    /** A processing-time timer of the current key fired at {@code timestamp}. */
    void expiryTimer(long timestamp, org.apache.flink.streaming.api.TimerService timers) throws Exception {
        expiry.onTimer(timestamp, timers, monitor, models, metrics.keysExpired);
    }

    @Override
    public java.util.List<String> expiringStates() {
        return ttl.isZero() ? java.util.List.of() : java.util.List.of(STATE_NAME, LIFECYCLE_STATE_NAME);
    }

    @Override
    public long expiryDue(long now) {
        return expiry.due(now);
    }

    /** Learns a valid event with the key's {@code life} (from {@link #live}) at processing time {@code now}. */
    void learn(Event e, Context ctx, Collector<Prediction> out, KeyLifecycle life, long now) throws Exception {
        ForecastingLearner learner = models.load();
        if (learner != null && learner.migration() != null) {
            migrated(e.key, learner.migration());
            learner.clearMigration();
        }
        if (learner == null) {
            learner = newLearner(e.key);
        } else if (learner.config() != config && !learner.config().equals(config)) {
            // (identity first: a record's equals compares every component, about 0.2 us per event in a profile)
            metrics.modelResets.inc();
            learner = newLearner(e.key);
        }
        expiry.touch(life, now, ctx.timerService());
        life.prepare(learner, monitorConfig);
        long t0 = System.nanoTime();
        ForecastingLearner.Result r;
        try {
            r = observe(learner, e.timestamp, e.values);
        } catch (RuntimeException ex) {
            // The core refused a valid-looking event half way (e.g. its statistics overflowed on extreme values).
            // The model may be half updated: drop it, so the key's next event starts fresh, and keep the job alive.
            models.remove();
            life.modelReplaced();
            monitor.store(life);
            metrics.learnerFailures.inc();
            ctx.output(LearnerOperator.DEAD_LETTERS, DeadLetter.bounded(STAGE_LEARN,
                "the key's model failed on this event and was reset: " + ex, String.valueOf(e), e.key, e.timestamp,
                DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES));
            return;
        }
        long learnNanos = System.nanoTime() - t0;
        metrics.latency.update(learnNanos);
        if (PartTimers.ON) {
            PartTimers.observe(learnNanos);
        }
        boolean driftReset = life.observe(r.error, monitorConfig);
        double rollingError = life.rollingError();
        boolean drift = life.drift();
        monitor.record(e.key, life);
        if (driftReset) {
            monitor.driftResets.inc();
            learner = newLearner(e.key);
            life.modelReplaced();
        }
        models.store(learner);
        monitor.store(life);
        double threshold = life.thresholdOr(anomalyThreshold);

        metrics.events.inc();
        if (r.diverged) {
            metrics.divergences.inc();
        }
        if (r.scored) {
            metrics.meanLoss.add(r.loss);
            boolean anomaly = r.anomalyScore > threshold;
            if (anomaly) {
                metrics.anomalies.inc();
            }
            metrics.anomalyRate.add(anomaly ? 1.0 : 0.0);
        }
        Prediction p = toPrediction(e, r, emitted == null ? emitted = new Prediction() : emitted);
        p.rollingError = rollingError;
        p.drift = drift;
        p.anomalous = r.scored && r.anomalyScore > threshold;
        long o0 = PartTimers.ON ? System.nanoTime() : 0L;
        out.collect(p);
        if (PartTimers.ON) {
            PartTimers.output(System.nanoTime() - o0);
        }
    }

    /** A fresh model for {@code key} (first event, reset command, reset reaction). */
    ForecastingLearner newLearner(String key) {
        metrics.learnersCreated.inc();
        ForecastingLearner l = new ForecastingLearner(config, KeySeeds.seedFor(config.seed(), key));
        if (warmStart != null) {
            l.warmStart(warmStart);
            metrics.learnersWarmStarted.inc();
        }
        return l;
    }

    private void migrated(String key, String reason) {
        metrics.modelsMigrated.inc();
        if (metrics.modelsMigrated.getCount() == 1) {
            LOG.info("{}: restored a model stored in an older state format (key {}): {}; further ones are counted in "
                + "rtrl.modelsMigrated", getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(), key, reason);
        } else {
            LOG.debug("migrated the model of key {}: {}", key, reason);
        }
    }

    /** One learning step; a seam for tests that need the core to fail. */
    ForecastingLearner.Result observe(ForecastingLearner learner, long timestamp, double[] values) {
        return learner.observe(timestamp, values);
    }

    /** The current key's model (tests and diagnostics). */
    ForecastingLearner currentLearner() throws Exception {
        return models.load();
    }

    /**
     * Keeps decoded models in a {@link ModelCache} on backends that store values as bytes (RocksDB); declines on
     * the heap backend, which keeps the learner objects themselves and has no codec cost to save.
     */
    @Override
    public boolean attachCache(KeyAccess keys, long maxBytes) {
        if (!keys.backendCopiesValues()) {
            return false;
        }
        cache = new ModelCache<>(ModelStore.of(state), keys, maxBytes, ForecastFunction::encodedSize, ttl);
        models = cache;
        metrics.cache(cache);
        return true;
    }

    @Override
    public void flushCache() throws Exception {
        if (cache != null) {
            cache.flush();
        }
    }

    private static long encodedSize(ForecastingLearner l) {
        long n = LearnerCodec.encodeToScratch(l).length();
        LearnerCodec.releaseScratch();
        return n;
    }

    /** The cache of decoded models, or null when the function runs straight on the state. */
    ModelCache<ForecastingLearner> cacheForTest() {
        return cache;
    }

    /** The current key's lifecycle state (read by {@link ControlledForecastFunction}, tests). */
    KeyMonitor monitor() {
        return monitor;
    }

    /** Where the models are: the state, or the cache in front of it (also for the control stream's commands). */
    ModelStore<ForecastingLearner> models() {
        return models;
    }

    ModelConfig config() {
        return config;
    }

    /** The job's anomaly threshold (a key's override is in its lifecycle state). */
    double anomalyThreshold() {
        return anomalyThreshold;
    }

    LearnerMetrics metricsForTest() {
        return metrics;
    }

    /** A new prediction of {@code r} for {@code e}. */
    static Prediction toPrediction(Event e, ForecastingLearner.Result r) {
        return toPrediction(e, r, new Prediction());
    }

    /**
     * {@code p} filled with {@code r} for {@code e}, its arrays reused when their lengths match; the key monitor's
     * fields (rollingError, drift, anomalous) are the caller's to set.
     */
    static Prediction toPrediction(Event e, ForecastingLearner.Result r, Prediction p) {
        p.key = e.key;
        p.timestamp = e.timestamp;
        p.actual = into(e.values, p.actual);
        p.forecast = into(r.forecast, p.forecast);
        p.previousForecast = into(r.previousForecast, p.previousForecast);
        p.scale = into(r.scale, p.scale);
        p.lower = into(r.lower, p.lower);
        p.upper = into(r.upper, p.upper);
        p.previousLower = into(r.previousLower, p.previousLower);
        p.previousUpper = into(r.previousUpper, p.previousUpper);
        p.loss = r.loss;
        p.anomalyScore = r.anomalyScore;
        p.surprise = r.surprise;
        p.likelihood = r.likelihood;
        p.sustained = r.sustained;
        p.level = r.level;
        p.anomalyChannel = r.anomalyChannel;
        p.warmingUp = r.warmingUp;
        p.steps = r.steps;
        p.diverged = r.diverged;
        p.label = e.label;
        return p;
    }

    private static double[] into(double[] from, double[] reuse) {
        return RecordFields.copy(from, reuse);
    }
}

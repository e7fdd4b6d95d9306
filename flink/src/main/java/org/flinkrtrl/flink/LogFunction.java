package org.flinkrtrl.flink;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.flinkrtrl.core.learner.KernelWarmUp;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.core.learner.TypeVocabulary;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.core.logs.TemplateMiner;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.LogPrediction;

/**
 * One log model per key: for every valid event it loads the key's {@link LogSourceModel} (template miner when
 * {@code minerSettings} is set, and the next-event {@link LogLearner}), scores and learns the event, stores the
 * model back and emits one {@link LogPrediction}. The event's type, or its raw message when mining, is
 * {@link Event#category}.
 *
 * <p>Refused with stage {@code "validate"} to {@link LearnerOperator#DEAD_LETTERS}, state untouched: no key, no
 * type or message, an empty or blank one, a message longer than {@code maxMessageChars}, a type longer than
 * {@link TypeVocabulary#MAX_LABEL_CHARS}. Should the core still throw, the key's model is dropped and the event goes
 * to the dead letters with stage {@code "learn"}.
 *
 * <p>Every output carries the key's rolling log-loss (bits, the exponentially weighted mean of each event's
 * surprise) and whether the event completed a drift detection on that stream; metrics as for the forecaster
 * ({@link KeyMonitor}) under {@code rtrl-log}.
 *
 * <p>State: one {@code ValueState<byte[]>} holding {@link LogSourceModel#toBytes()}, and the key's monitor
 * ({@value KeyMonitor#LOG_STATE_NAME}); optional idle expiry as for the forecaster ({@link IdleExpiry}: a key idle
 * for the TTL starts fresh at its next event, a processing-time timer clears the states of one that stays idle;
 * {@code keysExpired}). A stored
 * model of another configuration is replaced by a fresh one (counted in {@code modelResets}). Run by
 * {@link ModelCacheOperator}, the decoded models live in a per-subtask {@link ModelCache} (on both backends, since
 * the state holds bytes) and reach the state before every checkpoint and on eviction; the cache's size estimate is
 * the encoded size of the first model it holds, and a key's template miner grows after that.
 */
public class LogFunction extends KeyedProcessFunction<String, Event, LogPrediction>
    implements ModelCacheHost, ExpiryHost {
    private static final long serialVersionUID = 1L;
    /** State name; part of the savepoint layout, do not rename. */
    public static final String STATE_NAME = "rtrl-log-model";

    private final ModelConfig config;
    private final MinerSettings minerSettings;
    private final int topK;
    private final int maxMessageChars;
    private final Duration ttl;

    private transient ValueState<byte[]> state;
    /** The decoded models over the state, or a {@link ModelCache} in front of that when the operator attached one. */
    private transient ModelStore<LogSourceModel> models;
    private transient ModelCache<LogSourceModel> cache;
    private transient Counter events;
    private transient Counter invalid;
    private transient Counter unseenTypes;
    private transient Counter modelResets;
    private transient Counter learnerFailures;
    private transient Counter keysExpired;
    private transient IdleExpiry expiry;
    private transient KeyMonitor monitor;
    private final MonitorConfig monitorConfig;

    /**
     * @param config          a log model's config ({@link LogLearner#config})
     * @param minerSettings   template mining of raw messages, or null for pre-parsed types
     * @param topK            next types listed per output
     * @param maxMessageChars longest message or type accepted
     * @param ttl             idle-key state TTL; null or zero disables expiry
     */
    public LogFunction(ModelConfig config, MinerSettings minerSettings, int topK, int maxMessageChars, Duration ttl) {
        this(config, minerSettings, topK, maxMessageChars, ttl, MonitorSettings.DEFAULTS);
    }

    /** @param monitorConfig the rolling log-loss's and the drift test's settings */
    public LogFunction(ModelConfig config, MinerSettings minerSettings, int topK, int maxMessageChars, Duration ttl,
                       MonitorConfig monitorConfig) {
        this.monitorConfig = Objects.requireNonNull(monitorConfig, "monitorConfig");
        this.config = Objects.requireNonNull(config, "config");
        new LogLearner(config); // validates the config's head and sizes now, not on the first event
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
        if (maxMessageChars < 1) {
            throw new IllegalArgumentException("maxMessageChars must be >= 1, got " + maxMessageChars);
        }
        this.minerSettings = minerSettings;
        this.topK = topK;
        this.maxMessageChars = maxMessageChars;
        this.ttl = ttl == null ? Duration.ZERO : ttl;
    }

    /** State name of a source's lifecycle (error monitor); part of the savepoint layout. */
    public static final String LIFECYCLE_STATE_NAME = KeyMonitor.LOG_STATE_NAME;

    /** The lifecycle state's descriptor; for state-processor tooling. */
    public static ValueStateDescriptor<KeyLifecycle> lifecycleDescriptor() {
        return KeyMonitor.stateDescriptor(KeyMonitor.LOG_STATE_NAME);
    }

    /** The model state's descriptor, without Flink state TTL (see {@link ForecastFunction#stateDescriptor()}). */
    public static ValueStateDescriptor<byte[]> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor());
        models = decoded(state);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("rtrl-log");
        events = g.counter("events");
        invalid = g.counter("invalidEvents");
        unseenTypes = g.counter("unseenTypeEvents");
        modelResets = g.counter("modelResets");
        learnerFailures = g.counter("learnerFailures");
        keysExpired = g.counter("keysExpired");
        monitor = new KeyMonitor(getRuntimeContext(), monitorConfig, KeyMonitor.LOG_STATE_NAME, "rtrl-log");
        expiry = new IdleExpiry(ttl);
        // JIT warm-up of the SIMD kernels beside the task (once per JVM and network shape; changes no result)
        KernelWarmUp.startInBackground(config);
    }

    /** Why {@code e} cannot be learnt, or null. */
    String reason(Event e) {
        if (e == null) {
            return "event is null";
        }
        if (e.key == null) {
            return "key is missing";
        }
        String what = minerSettings != null ? "message" : "event type";
        if (e.category == null) {
            return what + " is missing";
        }
        if (e.category.isBlank()) {
            return what + " is empty";
        }
        int limit = minerSettings != null ? maxMessageChars : Math.min(maxMessageChars, TypeVocabulary.MAX_LABEL_CHARS);
        if (e.category.length() > limit) {
            return what + " has " + e.category.length() + " characters, more than " + limit;
        }
        return null;
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<LogPrediction> out) throws Exception {
        String reason = reason(e);
        if (reason != null) {
            invalid.inc();
            ctx.output(LearnerOperator.DEAD_LETTERS, new DeadLetter(ForecastFunction.STAGE_VALIDATE, reason,
                String.valueOf(e), e == null ? null : e.key, e == null ? Long.MIN_VALUE : e.timestamp));
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        KeyLifecycle life = monitor.stored();
        if (life == null) {
            life = new KeyLifecycle();
        } else if (expiry.expired(life, now)) {
            expire();
            life = new KeyLifecycle();
        }
        expiry.touch(life, now, ctx.timerService());
        LogSourceModel model = load(e.key);
        LogPrediction p;
        try {
            p = model.observe(e.category, e.timestamp);
        } catch (RuntimeException ex) {
            models.remove();
            monitor.store(life);
            learnerFailures.inc();
            ctx.output(LearnerOperator.DEAD_LETTERS, new DeadLetter(ForecastFunction.STAGE_LEARN,
                "the key's log model failed on this event and was reset: " + ex, String.valueOf(e), e.key, e.timestamp));
            return;
        }
        models.store(model);
        life.observe(p.surprise, monitorConfig); // log-loss in bits; NaN (not scored) on the key's first event
        monitor.record(e.key, life);
        monitor.store(life);
        p.rollingLogLoss = life.rollingError();
        p.drift = life.drift();
        events.inc();
        if (p.unseen) {
            unseenTypes.inc();
        }
        p.key = e.key;
        p.label = e.label;
        out.collect(p);
    }

    /** Drops the current key's model (and its cache entry) and lifecycle. */
    private void expire() throws Exception {
        IdleExpiry.expire(monitor, models, keysExpired);
    }

    /** The key's expiry timer: clears an idle key's states, re-arms for any other. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LogPrediction> out) throws Exception {
        expiry.onTimer(timestamp, ctx.timerService(), monitor, models, keysExpired);
    }

    @Override
    public java.util.List<String> expiringStates() {
        return ttl.isZero() ? java.util.List.of() : java.util.List.of(STATE_NAME, LIFECYCLE_STATE_NAME);
    }

    @Override
    public long expiryDue(long now) {
        return expiry.due(now);
    }

    long keysExpiredForTest() {
        return keysExpired.getCount();
    }

    private LogSourceModel load(String key) throws Exception {
        LogSourceModel m = models.load();
        if (m != null) {
            if (m.matches(config, minerSettings, topK)) {
                return m;
            }
            modelResets.inc();
        }
        return newModel(config, minerSettings, topK, key);
    }

    /** The state's bytes as models: decoded on load, encoded on store. */
    private static ModelStore<LogSourceModel> decoded(ValueState<byte[]> state) {
        return new ModelStore<>() {
            @Override
            public LogSourceModel load() throws IOException {
                byte[] bytes = state.value();
                return bytes == null ? null : LogSourceModel.fromBytes(bytes);
            }

            @Override
            public void store(LogSourceModel model) throws IOException {
                state.update(model.toBytes());
            }

            @Override
            public void remove() {
                state.clear();
            }
        };
    }

    /**
     * Keeps decoded models in a {@link ModelCache} on every backend: the state holds bytes, never the cached
     * objects, so the heap backend's snapshots are not affected by the models changing in place.
     */
    @Override
    public boolean attachCache(KeyAccess keys, long maxBytes) {
        cache = new ModelCache<>(decoded(state), keys, maxBytes, m -> m.toBytes().length, ttl);
        models = cache;
        return true;
    }

    @Override
    public void flushCache() throws Exception {
        if (cache != null) {
            cache.flush();
        }
    }

    ModelCache<LogSourceModel> cacheForTest() {
        return cache;
    }

    /** A fresh source model seeded from the job seed and the key, as the operator creates it. */
    public static LogSourceModel newModel(ModelConfig config, MinerSettings minerSettings, int topK, String key) {
        return new LogSourceModel(minerSettings == null ? null : new TemplateMiner(minerSettings),
            new LogLearner(config, KeySeeds.seedFor(config.seed(), key)), topK);
    }
}

package org.flinkrtrl.flink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The operator's metrics, all under the group {@code rtrl} of each subtask:
 * <dl>
 *   <dt>eventsProcessed (counter), eventsPerSecond (meter)</dt><dd>valid events learned from.</dd>
 *   <dt>invalidEvents (counter)</dt><dd>events sent to the dead letters.</dd>
 *   <dt>meanLoss (gauge)</dt><dd>EWMA (rate {@link #EWMA_ALPHA}) of the training loss of scored events,
 *       normalised units.</dd>
 *   <dt>anomalies (counter), anomalyRate (gauge)</dt><dd>scored events whose anomaly score exceeds the configured
 *       threshold; the rate is the EWMA (rate {@link #EWMA_ALPHA}) of the 0/1 indicator, i.e. the share over
 *       roughly the last 1/alpha scored events.</dd>
 *   <dt>divergences (counter)</dt><dd>times the divergence guard re-initialised a key's model.</dd>
 *   <dt>learnerFailures (counter)</dt><dd>events on which the core threw; the key's model was dropped and the
 *       event sent to the dead letters with stage "learn".</dd>
 *   <dt>modelResets (counter)</dt><dd>stored models replaced by a fresh one because they were built with a
 *       different configuration than the job's (after a restore with changed model options).</dd>
 *   <dt>modelsMigrated (counter)</dt><dd>stored models read from an older state format and migrated by the codec
 *       (the first reason per subtask is logged at INFO).</dd>
 *   <dt>learnersCreated (counter), liveKeys (gauge)</dt><dd>models created on this subtask since it started: first
 *       events of new keys, of keys whose state expired (idle TTL) and model resets. liveKeys is this creation
 *       count: an upper bound of the keys created on this subtask since the (re)start that are still live; it does
 *       not include keys restored from a checkpoint.</dd>
 *   <dt>keysExpired (counter)</dt><dd>keys whose states were dropped after an idle time of at least the TTL
 *       ({@link IdleExpiry}): at their next event or by their expiry timer.</dd>
 *   <dt>learnersWarmStarted (counter)</dt><dd>of the models created, those started from the warm-start template
 *       (only with a template).</dd>
 *   <dt>learnLatencyNanos (histogram)</dt><dd>time of one {@code ForecastingLearner.observe} call (normalise,
 *       score, learn, advance, forecast), over a window of the last {@link #LATENCY_WINDOW} events; state access
 *       is not included.</dd>
 *   <dt>kernels (gauge, string)</dt><dd>the dense kernels of the subtask's JVM, {@code Kernels.get().name()}:
 *       {@code vector-256} (or another vector width) when the JVM has {@code jdk.incubator.vector}, else
 *       {@code plain}.</dd>
 *   <dt>cacheHits, cacheMisses, cacheWriteBacks, cacheEntries (gauges)</dt><dd>with the decoded-model cache
 *       ({@link ModelCache}, RocksDB): loads served from the cache, loads that went to the state, models written
 *       back to the state (before checkpoints and on eviction), models held.</dd>
 * </dl>
 */
final class LearnerMetrics {
    static final double EWMA_ALPHA = 0.01;
    static final int LATENCY_WINDOW = 1024;

    final Counter events;
    final Counter invalid;
    final Counter anomalies;
    final Counter divergences;
    final Counter modelResets;
    final Counter modelsMigrated;
    final Counter learnersCreated;
    final Counter learnerFailures;
    final Counter learnersWarmStarted;
    final Counter keysExpired;
    final Ewma meanLoss = new Ewma(EWMA_ALPHA);
    final Ewma anomalyRate = new Ewma(EWMA_ALPHA);
    final Histogram latency;
    final String kernels;
    private final MetricGroup group;

    LearnerMetrics(MetricGroup parent, String kernels) {
        MetricGroup g = parent.addGroup("rtrl");
        group = g;
        events = g.counter("eventsProcessed");
        g.meter("eventsPerSecond", new MeterView(events));
        invalid = g.counter("invalidEvents");
        anomalies = g.counter("anomalies");
        divergences = g.counter("divergences");
        modelResets = g.counter("modelResets");
        modelsMigrated = g.counter("modelsMigrated");
        learnersCreated = g.counter("learnersCreated");
        learnerFailures = g.counter("learnerFailures");
        learnersWarmStarted = g.counter("learnersWarmStarted");
        keysExpired = g.counter("keysExpired");
        Counter created = learnersCreated;
        g.gauge("liveKeys", (Gauge<Long>) created::getCount);
        g.gauge("meanLoss", meanLoss);
        g.gauge("anomalyRate", anomalyRate);
        latency = g.histogram("learnLatencyNanos", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        this.kernels = kernels;
        g.gauge("kernels", (Gauge<String>) () -> kernels);
    }

    /** Exposes the cache's counts. */
    void cache(ModelCache<?> cache) {
        group.gauge("cacheHits", (Gauge<Long>) cache::hits);
        group.gauge("cacheMisses", (Gauge<Long>) cache::misses);
        group.gauge("cacheWriteBacks", (Gauge<Long>) cache::writeBacks);
        group.gauge("cacheEntries", (Gauge<Integer>) cache::size);
    }
}

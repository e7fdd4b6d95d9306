package org.flinkrtrl.flink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;

/**
 * The forecaster with a control stream: {@link ForecastFunction} (same state, same outputs) whose keys also apply
 * the broadcast {@link ControlCommand}s, each from its event time on.
 *
 * <p><b>Same result on every subtask and in every replay.</b> Broadcast commands and keyed events reach the
 * subtasks in different interleavings, so a command is not applied when it arrives but when a key's event at or
 * after its time is learned:
 * <ol>
 *   <li>Accepted commands are kept in broadcast state (checkpointed with it) and ordered by (time, id).</li>
 *   <li>An event waits in keyed state ({@value #BUFFER_STATE}) until the operator's watermark, the smaller of the
 *       events' and the commands' watermarks, reaches its time. Commands must come in time order, so once the
 *       commands' watermark passed an event's time, every command up to that time is here.</li>
 *   <li>Before the key's model learns an event at time t, the key applies, in order, every command with time
 *       &lt;= t after the last one it applied, and records that one in its lifecycle state: after a restore no
 *       command is applied twice or skipped.</li>
 * </ol>
 * A command whose time is before that of a command already accepted is refused (dead letters, stage
 * {@value #STAGE_CONTROL}): it could no longer apply at the same events everywhere. So is a command whose id was used
 * by another command, and a REPLACE whose model does not decode or was built with another configuration than the
 * job's. A command received twice (same id and content) is ignored.
 *
 * <p><b>Acknowledgements</b> on {@link #ACKS}: subtask 0 acknowledges each accepted command once (status
 * "accepted"); every key acknowledges each command it applied (status "applied", with the event time and model
 * steps at which it applied and the effect, e.g. {@code learning rate 0.001 -> 0.003}).
 *
 * <p>Run by {@link ControlledForecastOperator}, the models go through the forecaster's decoded-model cache on
 * RocksDB (commands included: a reset or replaced model is written to the cache and reaches the state with the
 * next checkpoint or eviction, like every learned change).
 *
 * <p>Metrics under {@code rtrl}: {@code controlCommandsApplied} (per key application), {@code controlCommandsRefused},
 * {@code controlCommands} (gauge: commands held).
 */
public class ControlledForecastFunction extends KeyedBroadcastProcessFunction<String, Event, ControlCommand, Prediction>
    implements ModelCacheHost, ExpiryHost {
    private static final long serialVersionUID = 1L;

    /** Broadcast state of the accepted commands by id; part of the savepoint layout, do not rename. */
    public static final MapStateDescriptor<String, ControlCommand> COMMANDS = new MapStateDescriptor<>(
        "rtrl-control-commands", Types.STRING, Types.POJO(ControlCommand.class));
    /** Keyed state of the events waiting for the watermark; part of the savepoint layout, do not rename. */
    public static final String BUFFER_STATE = "rtrl-control-buffer";
    /** Dead-letter stage of refused commands. */
    public static final String STAGE_CONTROL = "control";
    /** Side output of the acknowledgements. */
    public static final OutputTag<ControlAck> ACKS = new OutputTag<>("rtrl-control-acks", Types.POJO(ControlAck.class));

    private static final Comparator<ControlCommand> ORDER =
        (a, b) -> KeyLifecycle.compare(a.time, a.id, b.time, b.id);

    private final ForecastFunction forecaster;

    private transient MapState<Long, List<Event>> buffer;
    private transient ControlCommand[] sorted;
    private transient Counter applied;
    private transient Counter refused;
    private transient boolean reportAccepted;
    private transient ReadOnlyContext adaptedFrom;
    private transient KeyedProcessFunction<String, Event, Prediction>.Context adapted;

    public ControlledForecastFunction(ForecastFunction forecaster) {
        this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        forecaster.setRuntimeContext(getRuntimeContext());
        forecaster.open(openContext);
        buffer = getRuntimeContext().getMapState(
            new MapStateDescriptor<>(BUFFER_STATE, Types.LONG, Types.LIST(EventOrderFunction.STATE_EVENT_TYPE)));
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("rtrl");
        applied = g.counter("controlCommandsApplied");
        refused = g.counter("controlCommandsRefused");
        g.gauge("controlCommands", () -> sorted == null ? 0 : sorted.length);
        reportAccepted = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    @Override
    public void close() throws Exception {
        forecaster.close();
    }

    @Override
    public void processBroadcastElement(ControlCommand c, Context ctx, Collector<Prediction> out) throws Exception {
        BroadcastState<String, ControlCommand> commands = ctx.getBroadcastState(COMMANDS);
        String reason = refusal(c, commands);
        if (reason != null) {
            if (!reason.isEmpty() && reportAccepted) {
                refused.inc();
                ctx.output(LearnerOperator.DEAD_LETTERS, DeadLetter.bounded(STAGE_CONTROL, reason, String.valueOf(c),
                    c == null ? null : c.key, c == null ? Long.MIN_VALUE : c.time, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES));
            }
            return;
        }
        commands.put(c.id, c);
        sorted = null;
        if (reportAccepted) {
            ctx.output(ACKS, new ControlAck(c.id, name(c.op), c.time, ControlAck.ACCEPTED, null, Long.MIN_VALUE, -1,
                c.key == null ? "for every key" : "for key " + c.key));
        }
    }

    /** Why {@code c} is refused, "" to ignore it silently (a redelivery), null to accept it. */
    private String refusal(ControlCommand c, BroadcastState<String, ControlCommand> commands) throws Exception {
        if (c == null || c.id == null || c.id.isEmpty() || c.op == null) {
            return "a command needs an id and an op";
        }
        ControlCommand known = commands.get(c.id);
        if (known != null) {
            return known.equals(c) ? "" : "id " + c.id + " is already used by " + known;
        }
        long latest = Long.MIN_VALUE;
        String latestId = null;
        for (Map.Entry<String, ControlCommand> e : commands.immutableEntries()) {
            if (e.getValue().time > latest) {
                latest = e.getValue().time;
                latestId = e.getKey();
            }
        }
        if (latestId != null && c.time < latest) {
            return "time " + c.time + " is before that of command " + latestId + " (" + latest + ") already accepted: "
                + "commands must come in time order to apply at the same events on every subtask";
        }
        String value = c.invalid();
        if (value != null) {
            return value;
        }
        if (c.op == ControlCommand.Op.REPLACE) {
            try {
                ForecastingLearner l = LearnerCodec.forecastingFromBytes(c.state);
                if (!l.config().equals(forecaster.config())) {
                    return "the imported model was built with another configuration than the job's: " + l.config()
                        + " (the job: " + forecaster.config() + ")";
                }
            } catch (IOException | RuntimeException e) {
                return "the imported model does not decode: " + e.getMessage();
            }
        }
        return null;
    }

    @Override
    public void processElement(Event e, ReadOnlyContext ctx, Collector<Prediction> out) throws Exception {
        if (e == null || EventValidation.reason(e, forecaster.config().inputs()) != null
            || e.timestamp <= ctx.timerService().currentWatermark()) {
            process(e, ctx, out); // invalid events go straight to the forecaster's dead letters
            return;
        }
        List<Event> group = buffer.get(e.timestamp);
        if (group == null) {
            group = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(e.timestamp);
        }
        group.add(e);
        buffer.put(e.timestamp, group);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Prediction> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) { // the forecaster's idle-expiry timer
            forecaster.expiryTimer(timestamp, ctx.timerService());
            return;
        }
        List<Event> group = buffer.get(timestamp);
        if (group == null) {
            return;
        }
        buffer.remove(timestamp);
        for (Event e : group) {
            process(e, ctx, out);
        }
    }

    private void process(Event e, ReadOnlyContext ctx, Collector<Prediction> out) throws Exception {
        if (e == null || e.key == null || EventValidation.reason(e, forecaster.config().inputs()) != null) {
            forecaster.processElement(e, context(ctx), out); // to the dead letters
            return;
        }
        // an idle key expires before its commands apply, so the commands act on its fresh lifecycle
        long now = ctx.timerService().currentProcessingTime();
        KeyLifecycle life = forecaster.live(now);
        applyCommands(e, ctx, life);
        forecaster.learn(e, context(ctx), out, life, now);
    }

    /** Applies every command due for the current key up to the event's time, in order, to its {@code life}. */
    private void applyCommands(Event e, ReadOnlyContext ctx, KeyLifecycle life) throws Exception {
        ControlCommand[] cs = commands(ctx.getBroadcastState(COMMANDS));
        if (cs.length == 0) {
            return;
        }
        KeyMonitor monitor = forecaster.monitor();
        int lo = 0;
        int hi = cs.length;
        while (lo < hi) { // the first command after the key's last applied one
            int mid = (lo + hi) >>> 1;
            if (life.pending(cs[mid].time, cs[mid].id)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        int i = lo;
        boolean changed = false;
        for (; i < cs.length && cs[i].time <= e.timestamp; i++) {
            ControlCommand c = cs[i];
            if (c.appliesTo(e.key)) {
                long steps = steps();
                String effect = apply(c, life, steps);
                life.markApplied(c.time, c.id);
                applied.inc();
                ctx.output(ACKS, new ControlAck(c.id, name(c.op), c.time, ControlAck.APPLIED, e.key, e.timestamp,
                    steps, effect));
            } else {
                life.passed(c.time, c.id);
            }
            changed = true;
        }
        if (changed) {
            monitor.store(life);
        }
    }

    private long steps() throws Exception {
        ForecastingLearner l = forecaster.models().load();
        return l == null ? 0 : l.steps();
    }

    /** Applies {@code c} to the current key's state; returns the effect. */
    private String apply(ControlCommand c, KeyLifecycle life, long steps) throws Exception {
        switch (c.op) {
            case LEARNING_RATE: {
                double job = forecaster.config().learningRate();
                String was = fmt(Double.isNaN(life.learningRate()) ? job : life.learningRate());
                life.setLearningRate(c.value);
                return "learning rate " + was + " -> " + fmt(Double.isNaN(c.value) ? job : c.value)
                    + (Double.isNaN(c.value) ? " (the job's)" : "");
            }
            case ANOMALY_THRESHOLD: {
                double job = forecaster.anomalyThreshold();
                String was = fmt(life.thresholdOr(job));
                life.setAnomalyThreshold(c.value);
                return "anomaly threshold " + was + " -> " + fmt(life.thresholdOr(job))
                    + (Double.isNaN(c.value) ? " (the job's)" : "");
            }
            case WARM_UP: {
                int events = Double.isNaN(c.value) ? AnomalySettings.DEFAULTS.warmUp() : (int) c.value;
                life.setWarmUp(events);
                return "anomaly warm-up -> " + events + " events";
            }
            case FREEZE:
                life.setFrozen(true);
                return "frozen";
            case UNFREEZE:
                life.setFrozen(false);
                return "learning";
            case CLEAR:
                life.clearOverrides();
                return "overrides cleared: the job's learning rate and threshold, learning";
            case RESET: {
                forecaster.models().remove();
                life.modelReplaced();
                return "model reset after " + steps + " events";
            }
            case REPLACE: {
                ForecastingLearner l = LearnerCodec.forecastingFromBytes(c.state);
                forecaster.models().store(l);
                life.modelReplaced();
                return "model replaced after " + steps + " events by an imported one that has seen " + l.steps();
            }
            default:
                throw new IllegalStateException("unknown op " + c.op);
        }
    }

    private ControlCommand[] commands(ReadOnlyBroadcastState<String, ControlCommand> state) throws Exception {
        if (sorted == null) {
            List<ControlCommand> all = new ArrayList<>();
            for (Map.Entry<String, ControlCommand> e : state.immutableEntries()) {
                all.add(e.getValue());
            }
            ControlCommand[] a = all.toArray(new ControlCommand[0]);
            Arrays.sort(a, ORDER);
            sorted = a;
        }
        return sorted;
    }

    static String name(ControlCommand.Op op) {
        return op == null ? null : op.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String fmt(double v) {
        return String.valueOf(v);
    }

    /** The forecaster's context on top of this function's: same key, time, timers and side outputs. */
    private KeyedProcessFunction<String, Event, Prediction>.Context context(ReadOnlyContext ctx) {
        if (ctx != adaptedFrom) { // Flink hands the same context object to every call: adapt it once
            adapted = adapt(ctx);
            adaptedFrom = ctx;
        }
        return adapted;
    }

    private KeyedProcessFunction<String, Event, Prediction>.Context adapt(ReadOnlyContext ctx) {
        return forecaster.new Context() {
            @Override
            public Long timestamp() {
                return ctx.timestamp();
            }

            @Override
            public TimerService timerService() {
                return ctx.timerService();
            }

            @Override
            public <X> void output(OutputTag<X> outputTag, X value) {
                ctx.output(outputTag, value);
            }

            @Override
            public String getCurrentKey() {
                return ctx.getCurrentKey();
            }
        };
    }

    /** Keeps the forecaster's models in a {@link ModelCache} (see {@link ForecastFunction#attachCache}). */
    @Override
    public boolean attachCache(KeyAccess keys, long maxBytes) {
        return forecaster.attachCache(keys, maxBytes);
    }

    @Override
    public void flushCache() throws Exception {
        forecaster.flushCache();
    }

    @Override
    public List<String> expiringStates() {
        return forecaster.expiringStates();
    }

    @Override
    public long expiryDue(long now) {
        return forecaster.expiryDue(now);
    }

    /** The forecaster inside (tests). */
    ForecastFunction forecaster() {
        return forecaster;
    }
}

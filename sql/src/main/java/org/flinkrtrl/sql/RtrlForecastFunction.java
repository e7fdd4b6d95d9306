package org.flinkrtrl.sql;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.LEARNING_RATE;
import static org.flinkrtrl.core.learner.ModelSettings.METHOD;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.RANK;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.flink.KeySeeds;

/**
 * The per-key forecaster as a SQL process table function:
 *
 * <pre>{@code
 * SELECT * FROM rtrl_forecast(
 *   input => TABLE sensors PARTITION BY mote, on_time => DESCRIPTOR(rt),
 *   value_columns => 'humidity,temperature', hidden => 8, learning_rate => 0.01, seed => 7)
 * }</pre>
 *
 * <p>Output: the partition key, then {@code ts} (event time, epoch ms), {@code forecast}, {@code lower}, {@code
 * upper} (the next event's forecast and its central interval, one element per value column), {@code anomaly_score},
 * {@code loss}, {@code steps}, {@code status}, and the {@code rt} rowtime. {@code status} is {@code ok} for a learned
 * event; a row that is not learned is still returned, with no prediction and {@code late: ...}, {@code duplicate}
 * or {@code invalid: <reason>}.
 *
 * <p>Order: Flink 2.2 hands a PTF the rows of a partition in arrival order, not in {@code on_time} order, and a
 * recurrent model learns from the order of its inputs. So the function buffers each partition's rows in its state
 * and learns them from an {@code on_time} timer, i.e. when the watermark passes them: in timestamp order, equal
 * timestamps in arrival order; a row already behind the watermark is {@code late}; a row equal to a buffered one in
 * time and values is a {@code duplicate}. This is the DataStream operator's event-time mode with no allowed lateness.
 *
 * <p>The learning is the core's {@link ForecastingLearner}, seeded per key as the DataStream operator seeds it
 * ({@link KeySeeds}), its state the versioned {@link LearnerCodec} bytes: the same rows give the same predictions
 * through SQL and through the DataStream job.
 */
@DataTypeHint("ROW<ts BIGINT, forecast ARRAY<DOUBLE>, lower ARRAY<DOUBLE>, upper ARRAY<DOUBLE>, "
    + "anomaly_score DOUBLE, loss DOUBLE, steps BIGINT, status STRING>")
public class RtrlForecastFunction extends ProcessTableFunction<Row> {
    private static final long serialVersionUID = 1L;

    /** Per partition: the settings it was called with and the learner's codec bytes (null before its first row). */
    public static class Model {
        public String key;
        public String columns;
        public int hidden;
        public double learningRate;
        public long seed;
        public byte[] learner;
    }

    /** Per partition: rows waiting for the watermark, in arrival order (times and their values, row-major). */
    public static class Buffer {
        public long[] times = new long[0];
        public double[] values = new double[0];
    }

    public void eval(Context ctx, @StateHint Model model, @StateHint Buffer buffer,
                     @ArgumentHint(name = "input", value = {ArgumentTrait.SET_SEMANTIC_TABLE,
                         ArgumentTrait.REQUIRE_ON_TIME}) Row input,
                     @ArgumentHint(name = "value_columns") String valueColumns,
                     @ArgumentHint(name = "hidden", isOptional = true) Integer hidden,
                     @ArgumentHint(name = "learning_rate", isOptional = true) Double learningRate,
                     @ArgumentHint(name = "seed", isOptional = true) Long seed) {
        TimeContext<Long> time = ctx.timeContext(Long.class);
        long t = time.time();
        if (model.columns == null) {
            model.columns = valueColumns;
            model.hidden = hidden == null ? HIDDEN.defaultValue() : hidden;
            model.learningRate = learningRate == null ? LEARNING_RATE.defaultValue() : learningRate;
            model.seed = seed == null ? SEED.defaultValue() : seed;
            model.key = partitionKey(ctx, input);
            config(model); // fails the query on bad settings, naming them
        }
        double[] values;
        try {
            values = values(ctx, input, model.columns);
        } catch (IllegalArgumentException e) {
            collect(Row.of(t, null, null, null, null, null, null, "invalid: " + e.getMessage()));
            return;
        }
        Long watermark = time.currentWatermark();
        if (watermark != null && t <= watermark) {
            collect(Row.of(t, null, null, null, null, null, null,
                "late: the watermark " + watermark + " has passed this row's time " + t));
            return;
        }
        int n = values.length;
        for (int i = 0; i < buffer.times.length; i++) {
            if (buffer.times[i] == t
                && Arrays.equals(buffer.values, i * n, i * n + n, values, 0, n)) {
                collect(Row.of(t, null, null, null, null, null, null, "duplicate"));
                return;
            }
        }
        int m = buffer.times.length;
        buffer.times = Arrays.copyOf(buffer.times, m + 1);
        buffer.times[m] = t;
        buffer.values = Arrays.copyOf(buffer.values, (m + 1) * n);
        System.arraycopy(values, 0, buffer.values, m * n, n);
        time.registerOnTime(t);
    }

    public void onTimer(OnTimerContext ctx, Model model, Buffer buffer) {
        long now = ctx.timeContext(Long.class).time();
        int n = model.columns.split(",").length;
        int m = buffer.times.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(buffer.times[a], buffer.times[b])); // stable: ties keep arrival
        ForecastingLearner learner = load(model);
        int kept = 0;
        long[] keptTimes = new long[m];
        double[] keptValues = new double[m * n];
        for (int i : order) {
            long t = buffer.times[i];
            double[] v = Arrays.copyOfRange(buffer.values, i * n, i * n + n);
            if (t <= now) {
                ForecastingLearner.Result r = learner.observe(t, v);
                collect(Row.of(t, box(r.forecast), box(r.lower), box(r.upper), r.anomalyScore, r.loss, (long) r.steps,
                    "ok"));
            } else {
                keptTimes[kept] = t;
                System.arraycopy(v, 0, keptValues, kept * n, n);
                kept++;
            }
        }
        buffer.times = Arrays.copyOf(keptTimes, kept);
        buffer.values = Arrays.copyOf(keptValues, kept * n);
        model.learner = LearnerCodec.toBytes(learner);
    }

    /** The reflective type inference, with the literal settings checked while the query is planned. */
    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        TypeInference base = super.getTypeInference(typeFactory);
        List<StaticArgument> arguments = base.getStaticArguments().orElseThrow();
        return TypeInference.newBuilder()
            .staticArguments(arguments)
            .inputTypeStrategy(new CheckedArguments(base.getInputTypeStrategy(), arguments))
            .stateTypeStrategies(base.getStateTypeStrategies())
            .outputTypeStrategy(base.getOutputTypeStrategy())
            .disableSystemArguments(base.disableSystemArguments())
            .build();
    }

    private static ForecastingLearner load(Model model) {
        if (model.learner == null) {
            return new ForecastingLearner(config(model), KeySeeds.seedFor(model.seed, model.key));
        }
        try {
            return LearnerCodec.forecastingFromBytes(model.learner);
        } catch (IOException e) {
            throw new UncheckedIOException("the stored model of key " + model.key + " cannot be read", e);
        }
    }

    /** The forecaster's configuration from the call's settings; the messages name the SQL argument. */
    static ModelConfig config(Model model) {
        int inputs = model.columns == null ? 0 : columnNames(model.columns).size();
        if (inputs < 1) {
            throw new IllegalArgumentException("rtrl_forecast: value_columns must name at least one column, got '"
                + model.columns + "'");
        }
        if (model.hidden < 1 || model.hidden > 4096) {
            throw new IllegalArgumentException("rtrl_forecast: hidden must be in [1, 4096], got " + model.hidden);
        }
        if (!(model.learningRate > 0) || !Double.isFinite(model.learningRate)) {
            throw new IllegalArgumentException("rtrl_forecast: learning_rate must be finite and > 0, got "
                + model.learningRate);
        }
        return ModelConfig.builder().set(HIDDEN, model.hidden).set(INPUTS, inputs).set(OUTPUTS, inputs)
            .set(METHOD, Method.OK).set(RANK, Math.min(RANK.defaultValue(), model.hidden))
            .set(LEARNING_RATE, model.learningRate).set(SEED, model.seed).build();
    }

    static List<String> columnNames(String columns) {
        return Arrays.stream(columns.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static double[] values(Context ctx, Row input, String columns) {
        RowType type = (RowType) ctx.tableSemanticsFor("input").dataType().getLogicalType();
        List<String> names = columnNames(columns);
        double[] v = new double[names.size()];
        for (int i = 0; i < v.length; i++) {
            int at = type.getFieldNames().indexOf(names.get(i));
            if (at < 0) {
                throw new IllegalArgumentException("value_columns names '" + names.get(i) + "', which the input "
                    + "table does not have (its columns: " + type.getFieldNames() + ")");
            }
            Object o = input.getField(at);
            if (!(o instanceof Number num)) {
                throw new IllegalArgumentException(names.get(i) + " is " + (o == null ? "null" : "not a number"));
            }
            v[i] = num.doubleValue();
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(names.get(i) + " is " + v[i] + " (not finite)");
            }
        }
        return v;
    }

    private static String partitionKey(Context ctx, Row input) {
        int[] keys = ctx.tableSemanticsFor("input").partitionByColumns();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : "|").append(input.getField(keys[i]));
        }
        return b.toString();
    }

    private static Double[] box(double[] xs) {
        Double[] out = new Double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i];
        }
        return out;
    }
}

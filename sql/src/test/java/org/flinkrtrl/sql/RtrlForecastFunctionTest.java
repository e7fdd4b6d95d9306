package org.flinkrtrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SQL function in a local cluster against the DataStream operator on the same rows. */
class RtrlForecastFunctionTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long START = 1_700_000_000_000L;

    /** 3 keys x 120 rows, two channels, delivered out of order within 20 s of event time (seeded). */
    static List<Event> events() {
        java.util.Random rnd = new java.util.Random(5);
        List<long[]> arrival = new ArrayList<>();
        List<Event> sorted = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            for (int k = 0; k < 3; k++) {
                sorted.add(new Event("k" + k, START + i * 5000L,
                    new double[] {20 + Math.sin(i / 6.0 + k) + 0.1 * rnd.nextGaussian(), 50 + 3 * Math.cos(i / 9.0)},
                    null, null));
                arrival.add(new long[] {START + i * 5000L + rnd.nextInt(20_000), sorted.size() - 1});
            }
        }
        arrival.sort(java.util.Comparator.comparingLong(a -> a[0]));
        List<Event> out = new ArrayList<>();
        for (long[] a : arrival) {
            out.add(sorted.get((int) a[1]));
        }
        return out;
    }

    @Test
    void sqlGivesTheDataStreamOperatorsPredictions() throws Exception {
        List<Event> events = events();
        RtrlForecastFunction.Model m = new RtrlForecastFunction.Model();
        m.columns = "humidity,temperature";
        m.hidden = 8;
        m.learningRate = 0.01;
        m.seed = 7;
        ModelConfig cfg = RtrlForecastFunction.config(m);

        // DataStream job, event-time order
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<Event> stream = env.fromData(events, TypeInformation.of(Event.class)).setParallelism(1)
            .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(30))
                .withTimestampAssigner((e, p) -> e.timestamp)).setParallelism(1);
        Map<String, Prediction> expected = new HashMap<>();
        try (CloseableIterator<Prediction> it = LearnerOperator.apply(stream, cfg, Duration.ZERO,
                LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, EventOrder.EVENT_TIME).predictions().executeAndCollect()) {
            it.forEachRemaining(p -> expected.put(p.key + "@" + p.timestamp, p));
        }
        assertEquals(360, expected.size());

        // the same rows through SQL
        List<Row> sql = runSql(events, "value_columns => 'humidity,temperature', hidden => 8, learning_rate => 1E-2, "
            + "seed => CAST(7 AS BIGINT)");
        assertEquals(360, sql.size());
        for (Row r : sql) {
            String at = r.getField("mote") + "@" + r.getField("ts");
            assertEquals("ok", r.getField("status"), at);
            Prediction p = expected.get(at);
            Double[] forecast = (Double[]) r.getField("forecast");
            Double[] lower = (Double[]) r.getField("lower");
            for (int c = 0; c < 2; c++) {
                assertEquals(Double.doubleToRawLongBits(p.forecast[c]), Double.doubleToRawLongBits(forecast[c]), at);
                assertEquals(Double.doubleToRawLongBits(p.lower[c]), Double.doubleToRawLongBits(lower[c]), at);
            }
            assertEquals(Double.doubleToRawLongBits(p.anomalyScore),
                Double.doubleToRawLongBits((Double) r.getField("anomaly_score")), at);
            assertEquals(p.steps, ((Long) r.getField("steps")).intValue(), at);
        }
    }

    @Test
    void badArgumentsFailTheQueryWithAMessageNamingThem() {
        List<Event> events = events().subList(0, 10);
        // refused while the query is planned: executeSql throws, no job is started
        Exception e = assertThrows(org.apache.flink.table.api.ValidationException.class,
            () -> runSql(events, "value_columns => 'humidity', hidden => 0"));
        assertTrue(causes(e).contains("rtrl_forecast: hidden must be in [1, 4096], got 0"), causes(e));
        Exception lr = assertThrows(org.apache.flink.table.api.ValidationException.class,
            () -> runSql(events, "value_columns => 'humidity', learning_rate => -1E0"));
        assertTrue(causes(lr).contains("rtrl_forecast: learning_rate must be finite and > 0, got -1.0"), causes(lr));
        Exception cols = assertThrows(org.apache.flink.table.api.ValidationException.class,
            () -> runSql(events, "value_columns => ' , '"));
        assertTrue(causes(cols).contains("rtrl_forecast: value_columns must name at least one column"), causes(cols));
        // a missing required argument is refused by the SQL validator, before the job starts
        Exception missing = assertThrows(org.apache.flink.table.api.ValidationException.class,
            () -> runSql(events, "hidden => 8"));
        assertTrue(causes(missing).contains("DEFAULT is only allowed for optional parameters"), causes(missing));
    }

    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static List<Row> runSql(List<Event> events, String arguments) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tenv = StreamTableEnvironment.create(env);
        List<Row> rows = new ArrayList<>();
        for (Event e : events) {
            rows.add(Row.of(e.key, e.timestamp, e.values[0], e.values[1]));
        }
        DataStream<Row> raw = env.fromData(rows, new RowTypeInfo(
            new TypeInformation<?>[] {Types.STRING, Types.LONG, Types.DOUBLE, Types.DOUBLE},
            new String[] {"mote", "ts_ms", "humidity", "temperature"})).setParallelism(1);
        tenv.createTemporaryView("sensors", tenv.fromDataStream(raw, Schema.newBuilder()
            .columnByExpression("rt", "TO_TIMESTAMP_LTZ(ts_ms, 3)")
            .watermark("rt", "rt - INTERVAL '30' SECOND").build()));
        tenv.createTemporarySystemFunction("rtrl_forecast", RtrlForecastFunction.class);
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = tenv.executeSql("SELECT * FROM rtrl_forecast(input => TABLE sensors "
            + "PARTITION BY mote, on_time => DESCRIPTOR(rt), " + arguments + ")").collect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}

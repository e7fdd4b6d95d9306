package org.flinkrtrl.jobs;

import java.time.Duration;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.flinkrtrl.record.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pass-through that logs each subtask's progress at a fixed interval: events so far, events/s over the interval
 * and the mean loss over the interval; a last line when the input ends. It also adds its predictions to
 * {@link OutputClock}'s count in blocks (a run on the embedded cluster times its steady state by it).
 */
public class ProgressLogger extends RichMapFunction<Prediction, Prediction> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLogger.class);

    private final long intervalNanos;
    private transient int subtask;
    private transient long total;
    private transient long intervalEvents;
    private transient double lossSum;
    private transient long lossCount;
    private transient long startNanos;
    private transient long lastNanos;

    public ProgressLogger(Duration interval) {
        this.intervalNanos = Math.max(1, interval.toNanos());
    }

    @Override
    public void open(OpenContext ctx) {
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        startNanos = lastNanos = System.nanoTime();
    }

    @Override
    public Prediction map(Prediction p) {
        total++;
        intervalEvents++;
        if ((total & (OutputClock.BLOCK - 1)) == 0) {
            OutputClock.outputs(OutputClock.BLOCK);
        }
        if (Double.isFinite(p.loss)) {
            lossSum += p.loss;
            lossCount++;
        }
        if ((total & 255) == 0) {
            long now = System.nanoTime();
            if (now - lastNanos >= intervalNanos) {
                log(now, "progress");
            }
        }
        return p;
    }

    private void log(long now, String what) {
        double secs = (now - lastNanos) / 1e9;
        LOG.info(String.format(Locale.ROOT, "%s subtask %d: %d events, %.0f events/s, mean loss %.4f", what, subtask,
            total, secs > 0 ? intervalEvents / secs : 0.0, lossCount > 0 ? lossSum / lossCount : Double.NaN));
        lastNanos = now;
        intervalEvents = 0;
        lossSum = 0;
        lossCount = 0;
    }

    @Override
    public void close() {
        OutputClock.outputs(total & (OutputClock.BLOCK - 1));
        if (total > 0) {
            long now = System.nanoTime();
            double secs = (now - startNanos) / 1e9;
            LOG.info(String.format(Locale.ROOT, "done subtask %d: %d events in %.1f s (%.0f events/s)", subtask, total,
                secs, secs > 0 ? total / secs : 0.0));
        }
    }
}

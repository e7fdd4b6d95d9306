package org.flinkrtrl.core.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.anomaly.Tails;

/**
 * When a source's next event comes: the signed log gap g = sign(dt) ln(1 + |dt| seconds) between consecutive events
 * (negative for a backward time step) against an exponentially weighted mean and variance of the source's gaps
 * (rate max(1/n, 1/{@value #WINDOW})), scored two-sided: -ln P(|Z| &gt;= |g - mean| / max(sd, {@value #MIN_SD})).
 * A burst (gaps far shorter than usual), a silence ended (far longer) and a clock step backwards are surprising; the
 * first two gaps of a source score 0. Allocation-free. Not thread-safe.
 */
public final class GapModel {
    /** Horizon of the gap statistics, events. */
    static final int WINDOW = 100;
    /** Floor of the gap spread, in ln-seconds (a factor of about 1.65 in the gap). */
    static final double MIN_SD = 0.5;
    private long lastTime;
    private long events;
    private long gaps;
    private double mean;
    private double var;

    /** Scores the gap to this event (nats) and folds it in; 0 for the source's first event. */
    public double observe(long timeMillis) {
        double nats = 0.0;
        if (events > 0) {
            double dt = (timeMillis - lastTime) / 1000.0;
            double g = Math.signum(dt) * Math.log1p(Math.abs(dt));
            if (gaps >= 2) {
                nats = -Tails.logTwoSided(Math.abs(g - mean) / Math.max(Math.sqrt(var), MIN_SD));
            }
            gaps++;
            double rate = Math.max(1.0 / gaps, 1.0 / WINDOW);
            double d = g - mean;
            mean += rate * d;
            var = (1.0 - rate) * (var + rate * d * d);
        }
        lastTime = timeMillis;
        events++;
        return nats;
    }

    void write(DataOutput o) throws IOException {
        o.writeLong(lastTime);
        o.writeLong(events);
        o.writeLong(gaps);
        o.writeDouble(mean);
        o.writeDouble(var);
    }

    void read(DataInput in) throws IOException {
        lastTime = in.readLong();
        events = in.readLong();
        gaps = in.readLong();
        mean = in.readDouble();
        var = in.readDouble();
    }
}

package org.flinkrtrl.core.eval;

/** Running mean absolute and root mean square error of one forecaster on one channel; NaN forecasts are skipped. */
public final class ErrorStats {
    private long count;
    private double sumAbs;
    private double sumSq;

    public void add(double forecast, double actual) {
        if (Double.isNaN(forecast)) {
            return;
        }
        double e = actual - forecast;
        count++;
        sumAbs += Math.abs(e);
        sumSq += e * e;
    }

    public long count() {
        return count;
    }

    public double mae() {
        return count == 0 ? Double.NaN : sumAbs / count;
    }

    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(sumSq / count);
    }

    public void merge(ErrorStats o) {
        count += o.count;
        sumAbs += o.sumAbs;
        sumSq += o.sumSq;
    }
}

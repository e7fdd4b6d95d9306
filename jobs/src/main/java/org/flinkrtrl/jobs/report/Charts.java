package org.flinkrtrl.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.TimeZone;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One key's chart as a PNG: per channel the actual values, the forecasts made for them and the bounds of their
 * forecast intervals (grey; per bucket the extremes of each bound, so the band shows its widest), then the anomaly
 * score on a log scale, labelled anomalies shaded. The x axis is event time (UTC) when the key's times are
 * chartable, else the event number; values beyond 1e300 in magnitude are drawn scaled so an axis range stays finite.
 */
public final class Charts {
    private static final double HUGE = 1e300;
    private static final double HUGE_SCALE = 1e10;

    private Charts() {}

    public static byte[] png(ChartSeries s, String[] channels) throws IOException {
        ValueAxis x;
        if (s.timeAxis()) {
            DateAxis time = new DateAxis("event time (UTC)");
            time.setTimeZone(TimeZone.getTimeZone("UTC"));
            x = time;
        } else {
            NumberAxis n = new NumberAxis("event number");
            n.setAutoRangeIncludesZero(false);
            x = n;
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(8);
        List<long[]> spans = s.labelledSpans();
        for (int c = 0; c < s.dims(); c++) {
            XYSeries actual = series("actual " + channels[c], s, 2 * c);
            XYSeries forecast = series("forecast " + channels[c], s, 2 * c + 1);
            XYSeries lower = series("interval " + channels[c], s, ChartSeries.boundSeries(s.dims(), c, false));
            XYSeries upper = series("upper " + channels[c], s, ChartSeries.boundSeries(s.dims(), c, true));
            double scale = Math.max(maxAbs(actual), maxAbs(forecast)) > HUGE ? HUGE_SCALE : 1;
            XYSeriesCollection data = new XYSeriesCollection();
            data.addSeries(scaled(actual, scale));
            data.addSeries(scaled(forecast, scale));
            data.addSeries(scaled(lower, scale));
            data.addSeries(scaled(upper, scale));
            NumberAxis y = new NumberAxis(scale == 1 ? channels[c] : channels[c] + " / " + scale);
            y.setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
            r.setSeriesPaint(0, new Color(0x1f77b4));
            r.setSeriesPaint(1, new Color(0xff7f0e));
            r.setSeriesStroke(0, new BasicStroke(1.5f));
            r.setSeriesStroke(1, new BasicStroke(1.0f));
            Color band = new Color(0x9a9a9a);
            r.setSeriesPaint(2, band);
            r.setSeriesPaint(3, band);
            r.setSeriesStroke(2, new BasicStroke(0.6f));
            r.setSeriesStroke(3, new BasicStroke(0.6f));
            r.setSeriesVisibleInLegend(3, false); // the bounds share one legend entry, "interval"
            XYPlot sub = new XYPlot(data, null, y, r);
            sub.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // forecast on top
            mark(sub, spans);
            plot.add(sub, 2);
        }
        XYSeries score = series("log10(1 + anomaly score)", s, 2 * s.dims());
        NumberAxis y = new NumberAxis("log10(1 + score)");
        y.setAutoRangeMinimumSize(0.5); // a flat zero score gets a readable axis
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(0xd62728));
        XYPlot sub = new XYPlot(new XYSeriesCollection(score), null, y, r);
        mark(sub, spans);
        plot.add(sub, 1);
        String title = "key " + KeyNames.shorten(s.key())
            + (s.timeAxis() ? " from " + Instant.ofEpochMilli(s.firstTimestamp()) : "");
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage img = chart.createBufferedImage(1150, 180 * s.dims() + 280);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }

    private static XYSeries series(String name, ChartSeries s, int index) {
        XYSeries xy = new XYSeries(name, false, true);
        s.points(index, (px, py) -> xy.add((double) px, py, false));
        return xy;
    }

    private static double maxAbs(XYSeries xy) {
        double m = 0;
        for (int i = 0; i < xy.getItemCount(); i++) {
            m = Math.max(m, Math.abs(xy.getY(i).doubleValue()));
        }
        return m;
    }

    private static XYSeries scaled(XYSeries xy, double scale) {
        if (scale == 1) {
            return xy;
        }
        XYSeries out = new XYSeries(xy.getKey(), false, true);
        for (int i = 0; i < xy.getItemCount(); i++) {
            out.add(xy.getX(i).doubleValue(), xy.getY(i).doubleValue() / scale, false);
        }
        return out;
    }

    private static void mark(XYPlot plot, List<long[]> spans) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        for (long[] w : spans) {
            IntervalMarker m = new IntervalMarker(w[0], Math.max(w[1], w[0] + 1));
            m.setPaint(new Color(255, 0, 0, 40));
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
    }
}

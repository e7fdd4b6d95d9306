package org.flinkrtrl.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Output helpers shared by the runners: CSV files, PNG line charts (JFreeChart) and markdown tables. */
public final class Results {
    private Results() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    /** Rows of a CSV file, written at once. */
    public static final class Csv {
        private final String header;
        private final List<String> rows = new ArrayList<>();

        public Csv(String... columns) {
            this.header = String.join(",", columns);
        }

        public void row(Object... values) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(format(values[i]));
            }
            rows.add(sb.toString());
        }

        public int size() {
            return rows.size();
        }

        public void write(Path file) {
            StringBuilder sb = new StringBuilder(header).append('\n');
            for (String r : rows) {
                sb.append(r).append('\n');
            }
            writeString(file, sb.toString());
        }
    }

    static String format(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return String.format(Locale.ROOT, "%.6g", d);
        }
        String s = String.valueOf(v);
        return s.contains(",") ? "\"" + s + "\"" : s;
    }

    /** A line chart under construction: named series of (x, y) points. */
    public static final class Chart {
        private final String title;
        private final String xLabel;
        private final String yLabel;
        private final Map<String, XYSeries> series = new LinkedHashMap<>();
        private boolean logX;
        private boolean logY;
        private boolean shapes;
        private boolean integerY;

        public Chart(String title, String xLabel, String yLabel) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
        }

        public Chart logX() { logX = true; return this; }
        public Chart logY() { logY = true; return this; }
        public Chart shapes() { shapes = true; return this; }
        public Chart integerY() { integerY = true; return this; }

        /** Adds a point; non-finite values (and non-positive ones on a log axis) are skipped. */
        public void add(String name, double x, double y) {
            if (!Double.isFinite(x) || !Double.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) {
                return;
            }
            series.computeIfAbsent(name, s -> new XYSeries(s, false, true)).add(x, y);
        }

        public void write(Path png) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (XYSeries s : series.values()) {
                data.addSeries(s);
            }
            ValueAxis xAxis = logX ? base2Axis(xLabel) : numberAxis(xLabel);
            ValueAxis yAxis = logY ? logAxis(yLabel) : numberAxis(yLabel);
            if (integerY && yAxis instanceof NumberAxis) {
                ((NumberAxis) yAxis).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            }
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, shapes);
            for (int i = 0; i < series.size(); i++) {
                renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
                renderer.setSeriesStroke(i, new BasicStroke(i >= PALETTE.length ? 1.2f : 1.8f,
                    BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                    i >= PALETTE.length ? new float[] {6f, 4f} : null, 0f));
            }
            XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
            chart.setBackgroundPaint(Color.WHITE);
            try {
                Files.createDirectories(png.toAbsolutePath().getParent());
                ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static NumberAxis numberAxis(String label) {
            NumberAxis a = new NumberAxis(label);
            a.setAutoRangeIncludesZero(false);
            return a;
        }

        /** Log axis for sizes (n, r): ticks at powers of two, labelled as plain numbers. */
        private static LogAxis base2Axis(String label) {
            LogAxis a = new LogAxis(label);
            a.setBase(2);
            a.setSmallestValue(1e-300);
            a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            a.setNumberFormatOverride(new java.text.DecimalFormat("0"));
            return a;
        }

        private static LogAxis logAxis(String label) {
            LogAxis a = new LogAxis(label);
            a.setBase(10);
            a.setSmallestValue(1e-300);
            a.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // whole decades only
            return a;
        }
    }

    /** A markdown table. */
    public static final class Table {
        private final String[] header;
        private final List<String[]> rows = new ArrayList<>();

        public Table(String... header) {
            this.header = header;
        }

        public void row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                r[i] = cells[i] instanceof Double ? fmt((Double) cells[i]) : String.valueOf(cells[i]);
            }
            rows.add(r);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
            for (int i = 0; i < header.length; i++) {
                sb.append("---|");
            }
            sb.append('\n');
            for (String[] r : rows) {
                sb.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            return sb.toString();
        }
    }

    /** Compact number for tables: 4 significant digits, scientific when very small or large. */
    public static String fmt(double d) {
        if (!Double.isFinite(d)) {
            return String.valueOf(d);
        }
        double a = Math.abs(d);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", d);
        }
        return String.format(Locale.ROOT, "%.4g", d);
    }

    public static void writeString(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The regeneration command for a runner: the wrapper script plus the arguments as given. */
    public static String command(String runner, Args args) {
        return "experiments/run-experiment.sh " + runner + " " + args.rawLine();
    }

    /** Machine description for the markdown: cores the JVM sees, JVM version, OS. */
    public static String machine() {
        return String.format(Locale.ROOT, "%d CPU cores visible to the JVM, Java %s, %s %s",
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
            System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** Least-squares slope and intercept of y on x. */
    public static double[] fitLine(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double slope = sxx == 0 ? Double.NaN : sxy / sxx;
        return new double[] {slope, my - slope * mx};
    }
}

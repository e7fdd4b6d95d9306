package org.flinkrtrl.core.learner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads the vendored real series of the test resources (attribution in the README beside each file). */
final class SeriesFixtures {
    private SeriesFixtures() {}

    /** Rows of the weather CSV for one location, as the requested columns, in date order. */
    static List<double[]> weather(String location, String... columns) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            SeriesFixtures.class.getResourceAsStream("/weather/seattle-newyork-weather.csv"), StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split(",");
            int[] idx = new int[columns.length];
            for (int c = 0; c < columns.length; c++) {
                idx[c] = java.util.Arrays.asList(header).indexOf(columns[c]);
                if (idx[c] < 0) {
                    throw new IllegalArgumentException("no column " + columns[c]);
                }
            }
            List<double[]> rows = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",");
                if (!f[0].equals(location)) {
                    continue;
                }
                double[] v = new double[columns.length];
                for (int c = 0; c < columns.length; c++) {
                    v[c] = Double.parseDouble(f[idx[c]]);
                }
                rows.add(v);
            }
            return rows;
        }
    }
}

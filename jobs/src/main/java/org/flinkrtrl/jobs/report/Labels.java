package org.flinkrtrl.jobs.report;

import java.util.Locale;

/** How an input's label reads. */
public final class Labels {
    private Labels() {}

    /** Whether a label marks an anomaly: anything but empty, 0, false, normal, no. */
    public static boolean isPositive(String label) {
        if (label == null) {
            return false;
        }
        String l = label.trim().toLowerCase(Locale.ROOT);
        return !(l.isEmpty() || l.equals("0") || l.equals("0.0") || l.equals("false") || l.equals("normal") || l.equals("no"));
    }
}

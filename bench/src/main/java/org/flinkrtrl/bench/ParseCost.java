package org.flinkrtrl.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FieldMapping;

/**
 * CPU and allocated bytes per line of the CSV event parser on lines of the job runner's shape (key, epoch
 * milliseconds, two doubles; 100 keys), on this thread: five measured repeats after a warm-up one. Run it with two
 * builds' classes in alternate JVMs to compare them.
 *
 * <p>Argument (optional): lines per repeat (2000000).
 */
public final class ParseCost {
    private ParseCost() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        EventParser p = EventParser.csv(FieldMapping.builder().keyField("key").timeField("time")
            .valueFields("a", "b").build(), "key", "time", "a", "b");
        String[] lines = new String[1024];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "k" + (i % 100) + "," + (1_700_000_000_000L + 1000L * i) + "," + Math.sin(i) + ","
                + (1 + Math.cos(i));
        }
        long sink = 0;
        for (int rep = 0; rep < 6; rep++) {
            long b0 = mx.getCurrentThreadAllocatedBytes();
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += p.parse(lines[i & 1023]).hashCode();
            }
            long c = mx.getCurrentThreadCpuTime() - c0;
            long b = mx.getCurrentThreadAllocatedBytes() - b0;
            if (rep > 0) {
                System.out.printf(Locale.ROOT, "%.1f ns/line %.1f bytes/line%n", c / (double) n, b / (double) n);
            }
        }
        if (sink == 42) {
            System.out.println(sink);
        }
    }
}

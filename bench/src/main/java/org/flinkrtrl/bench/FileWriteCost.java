package org.flinkrtrl.bench;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Thread CPU (user and system) per line of writing 650-byte lines (about a prediction's JSON) to a file through a
 * {@link BufferedOutputStream} of the given size over {@link Files#newOutputStream}, as the file sink does: the
 * kernel's share of the file job's output. The file goes to the temporary directory (give {@code -Djava.io.tmpdir}
 * for another file system) and is deleted after each round.
 *
 * <pre>
 * java -cp core/target/classes:$(bench/classpath.sh) org.flinkrtrl.bench.FileWriteCost 65536,1048576 4
 * </pre>
 */
public final class FileWriteCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int LINES = 1_000_000;

    private FileWriteCost() {}

    public static void main(String[] args) throws Exception {
        int[] chunks = Arrays.stream((args.length > 0 ? args[0] : "65536").split(",")).mapToInt(Integer::parseInt)
            .toArray();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        byte[] line = new byte[650];
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        for (int r = 0; r < rounds; r++) {
            for (int chunk : chunks) {
                Path p = Files.createTempFile("file-write-cost", ".jsonl");
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long user0 = THREADS.getCurrentThreadUserTime();
                long wall0 = System.nanoTime();
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(p), chunk)) {
                    for (int i = 0; i < LINES; i++) {
                        o.write(line);
                    }
                }
                long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
                long user = THREADS.getCurrentThreadUserTime() - user0;
                long wall = System.nanoTime() - wall0;
                Files.delete(p);
                System.out.printf(Locale.ROOT, "round %d, chunk %d: %.3f us CPU per line (user %.3f, system %.3f), "
                    + "wall %.3f%n", r, chunk, cpu / 1e3 / LINES, user / 1e3 / LINES, (cpu - user) / 1e3 / LINES,
                    wall / 1e3 / LINES);
            }
        }
    }
}

package org.flinkrtrl.jobs;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Locale;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * Makes a local run that runs out of heap fail fast and visibly instead of hanging in back-to-back full
 * collections: when {@value #STRIKES} garbage collections in a row leave more than {@value #FULL_FRACTION} of the
 * maximum heap in use, it prints what happened and how to fix it and halts the JVM with exit code
 * {@value #EXIT_CODE}. Also estimates, before a run, how many keys the heap holds.
 */
final class HeapGuard implements NotificationListener {
    static final double FULL_FRACTION = 0.95;
    static final int STRIKES = 3;
    static final int EXIT_CODE = 3;

    private final long maxHeap;
    private final PrintStream err;
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private int strikes;

    HeapGuard(long maxHeap, PrintStream err) {
        this.maxHeap = maxHeap;
        this.err = err;
    }

    /** Watches every collector of this JVM. */
    static HeapGuard install(PrintStream err) {
        HeapGuard g = new HeapGuard(Runtime.getRuntime().maxMemory(), err);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) {
                ((NotificationEmitter) gc).addNotificationListener(g, null, null);
            }
        }
        return g;
    }

    /** Records the heap in use after one collection; true when the heap counts as full (then the JVM should stop). */
    synchronized boolean afterCollection(long usedAfterGc) {
        strikes = usedAfterGc > FULL_FRACTION * maxHeap ? strikes + 1 : 0;
        return strikes >= STRIKES;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
            .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
        if (afterCollection(used)) {
            err.println(message(used));
            err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    String message(long used) {
        return String.format(Locale.ROOT, "error: out of heap: %d collections in a row left %.0f of %.0f MB in use. "
            + "Each key holds its own model; give the JVM more heap (java -Xmx8g -jar ...), use fewer keys or a "
            + "smaller model (--hidden), or run on a Flink cluster with --state-backend rocksdb (docs/sensor-job.md, "
            + "\"Memory per key\").", STRIKES, used / 1e6, maxHeap / 1e6);
    }

    /**
     * Heap bytes one key's model takes on the hashmap backend, estimated from its serialised size: for r-OK, UORO
     * and exact RTRL the live model is its state plus about 2 KB of objects; KF and TBPTT hold per-key work buffers
     * of up to the state's size again (measured in PerKeyHeapTest and SharedScratchTest).
     */
    static long bytesPerKey(ModelConfig cfg) {
        long state = LearnerCodec.toBytes(new ForecastingLearner(cfg, 0L)).length;
        org.flinkrtrl.core.grad.Method m = cfg.method();
        boolean lean = m == org.flinkrtrl.core.grad.Method.OK || m == org.flinkrtrl.core.grad.Method.UORO
            || m == org.flinkrtrl.core.grad.Method.RTRL;
        return (lean ? state + state / 10 : 2 * state) + 2048;
    }

    /** One line for the start of a local run: the heap, the bytes per key and about how many keys fit. */
    static String capacity(ModelConfig cfg, long maxHeap) {
        long perKey = bytesPerKey(cfg);
        long keys = (long) (0.7 * maxHeap / perKey);
        return String.format(Locale.ROOT, "heap: %.1f GB (set with java -Xmx...), about %.1f KB per key for this model: "
            + "room for about %,d keys", maxHeap / 1e9, perKey / 1e3, keys);
    }
}

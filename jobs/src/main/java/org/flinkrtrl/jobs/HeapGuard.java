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
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.logs.LogKeySize;
import org.flinkrtrl.core.logs.MinerSettings;

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
            + "smaller model (--hidden; in the log mode also --vocabulary and --max-templates), or run on a Flink cluster with --state-backend rocksdb (docs/sensor-job.md, "
            + "\"Memory per key\").", STRIKES, used / 1e6, maxHeap / 1e6);
    }

    /**
     * Heap bytes one key's model takes on the hashmap backend, estimated from its serialised size: for r-OK, UORO
     * and exact RTRL the live model is its state plus about 2 KB of objects; KF and TBPTT hold per-key work buffers
     * of up to the state's size again (measured in PerKeyHeapTest and SharedScratchTest).
     */
    static long bytesPerKey(ModelConfig cfg) {
        long state = LearnerCodec.toBytes(new ForecastingLearner(cfg, 0L)).length;
        return (lean(cfg) ? state + state / 10 : 2 * state) + 2048;
    }

    /** Whether the method keeps no per-key work buffers beside its state (r-OK, UORO, exact RTRL). */
    private static boolean lean(ModelConfig cfg) {
        org.flinkrtrl.core.grad.Method m = cfg.method();
        return m == org.flinkrtrl.core.grad.Method.OK || m == org.flinkrtrl.core.grad.Method.UORO
            || m == org.flinkrtrl.core.grad.Method.RTRL;
    }

    /**
     * Heap bytes one log source takes on the hashmap backend at its vocabulary's capacity (every type class in use,
     * as many templates mined, count tables filled; {@link LogKeySize}): for r-OK, UORO and exact RTRL its serialised
     * state times the heap ratio measured with JOL; KF and TBPTT add per-key work buffers of up to the network's
     * state again. {@code miner} null for pre-parsed types.
     */
    static long bytesPerLogKey(ModelConfig cfg, MinerSettings miner, int topK) {
        long heap = LogKeySize.heapBytes(cfg, miner, topK);
        return lean(cfg) ? heap : heap + LearnerCodec.toBytes(new LogLearner(cfg, 0L)).length;
    }

    /**
     * The log mode's line for the start of a local run: the heap, the bytes per source (with its rate view's
     * forecaster when {@code rateCfg} is not null) and how many sources fit.
     */
    static String logCapacity(ModelConfig cfg, MinerSettings miner, int topK, ModelConfig rateCfg, long maxHeap) {
        long perKey = bytesPerLogKey(cfg, miner, topK) + (rateCfg == null ? 0 : bytesPerKey(rateCfg));
        long keys = (long) (0.7 * maxHeap / perKey);
        int types = cfg.outputs() - 1;
        String growth = miner == null || miner.maxTemplates() <= types ? ""
            : String.format(Locale.ROOT, "; each template mined beyond them adds about %.1f KB, up to %,d more",
                LogKeySize.HEAP_PER_EXTRA_TEMPLATE / 1e3, miner.maxTemplates() - types);
        return String.format(Locale.ROOT, "heap: %.1f GB (set with java -Xmx...), about %.1f KB per log source at a "
            + "full vocabulary of %d types%s%s: room for about %,d sources", maxHeap / 1e9, perKey / 1e3, types,
            rateCfg == null ? "" : " with the rate view's forecaster", growth, keys);
    }

    /** One line for the start of a local run: the heap, the bytes per key and about how many keys fit. */
    static String capacity(ModelConfig cfg, long maxHeap) {
        long perKey = bytesPerKey(cfg);
        long keys = (long) (0.7 * maxHeap / perKey);
        return String.format(Locale.ROOT, "heap: %.1f GB (set with java -Xmx...), about %.1f KB per key for this model: "
            + "room for about %,d keys", maxHeap / 1e9, perKey / 1e3, keys);
    }
}

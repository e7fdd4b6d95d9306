package org.flinkrtrl.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CPU time of every native thread of this JVM (Java threads and the JVM's own: C1/C2 compiler threads, GC workers,
 * the VM thread), read from {@code /proc/self/task/TID/schedstat} (nanoseconds on the CPU) with its name from
 * {@code comm} (the first 15 characters of the Java thread name), sampled every {@code periodMillis} so threads
 * that end within a run are still counted up to their last sample. Linux only.
 *
 * <p>The window is set from outside ({@link #markStart}, {@link #markEnd}) or, for the start, by a clock that the
 * sampler polls every millisecond until it turns non-zero (the file job's first output, {@code OutputClock}).
 * {@link #report} prints per thread group the CPU in the window and its split at the moment the busiest task thread
 * last ran (the end of processing; the rest is the job's shutdown).
 */
final class NativeThreadCpu implements AutoCloseable {
    private static final Path TASKS = Path.of("/proc/self/task");

    /** One sample: wall time and per thread id its CPU nanoseconds. */
    private record Sample(long nanos, Map<Long, Long> cpu) {}

    private final List<Sample> samples = new ArrayList<>();
    private final java.util.function.Predicate<String> only;
    /** With a name filter: the name of every listed thread id, read once. */
    private final Map<Integer, String> tidNames = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread sampler;
    private final int periodMillis;
    private final LongSupplier startClock;
    private volatile boolean running = true;
    private volatile long startNanos;
    private volatile long endNanos;
    private int selfTid = -1;
    private long selfId = -1;

    /**
     * @param periodMillis sampling period
     * @param startClock   polled every millisecond while the window has not started; its first non-zero value (a
     *                     {@link System#nanoTime()}) starts it; null: {@link #markStart} starts it
     */
    NativeThreadCpu(int periodMillis, LongSupplier startClock) {
        this(periodMillis, startClock, null);
    }

    /**
     * @param only the names of the threads to read (e.g. the JIT compiler threads, read cheaply beside a measured
     *             run); null: every thread
     */
    NativeThreadCpu(int periodMillis, LongSupplier startClock, java.util.function.Predicate<String> only) {
        this.only = only;
        this.periodMillis = periodMillis;
        this.startClock = startClock;
        sampler = new Thread(this::loop, "native-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        selfTid = self();
        long next = 0;
        while (running) {
            long now = System.nanoTime();
            if (startNanos == 0 && startClock != null) {
                long s = startClock.getAsLong();
                if (s != 0) {
                    startNanos = s;
                    sample();
                }
            }
            if (now >= next) {
                sample();
                next = now + periodMillis * 1_000_000L;
            }
            try {
                Thread.sleep(startNanos == 0 && startClock != null ? 1 : periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int self() {
        try {
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sets the window after the fact (System.nanoTime values within the sampled time). */
    void window(long start, long end) {
        startNanos = start;
        endNanos = end;
    }

    private synchronized void sample() {
        long t = System.nanoTime();
        Map<Long, Long> cpu = new HashMap<>();
        java.util.Set<Integer> listed = new java.util.HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(TASKS)) {
            for (Path p : ds) {
                int tid;
                try {
                    tid = Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                try {
                    if (only != null) {
                        listed.add(tid);
                        String name = tidNames.get(tid);
                        if (name == null) {
                            name = Files.readString(p.resolve("comm")).trim();
                            tidNames.put(tid, name);
                        }
                        if (!only.test(name) && tid != selfTid) { // itself always: selfSeconds
                            continue;
                        }
                    }
                    // thread ids are reused (pid_max 32768): a thread is its id and its start time
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    long id = ((long) tid << 32) ^ Long.parseLong(f[19]); // field 22, starttime
                    String s = Files.readString(p.resolve("schedstat"));
                    cpu.put(id, Long.parseLong(s.substring(0, s.indexOf(' '))));
                    // the latest name: a new thread has its creator's name until it has set its own
                    names.put(id, stat.substring(stat.indexOf('(') + 1, close).replaceAll("[0-9]+", "#"));
                    if (tid == selfTid) {
                        selfId = id;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (only != null) {
            tidNames.keySet().retainAll(listed);
        }
        samples.add(new Sample(t, cpu));
    }

    /** CPU seconds of the (selected) threads between two System.nanoTime values within the sampled time. */
    synchronized double seconds(long start, long end) {
        Map<Long, Long> d = diff(at(start), at(end));
        long sum = 0;
        for (Map.Entry<Long, Long> e : d.entrySet()) {
            if (e.getKey() != selfId) {
                sum += e.getValue();
            }
        }
        return sum / 1e9;
    }

    /**
     * This sampler's own CPU seconds between two System.nanoTime values within the sampled time: the measuring's
     * cost, which the process CPU of a window includes and the job did not spend.
     */
    synchronized double selfSeconds(long start, long end) {
        if (selfId < 0) {
            return 0.0;
        }
        return (at(end).getOrDefault(selfId, 0L) - at(start).getOrDefault(selfId, 0L)) / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
    }

    /** Per thread: CPU at the last sample at or before {@code t} (0 before its first sample). */
    private Map<Long, Long> at(long t) {
        Map<Long, Long> m = new HashMap<>();
        for (Sample s : samples) {
            if (s.nanos > t) {
                break;
            }
            m.putAll(s.cpu);
        }
        return m;
    }

    private static Map<Long, Long> diff(Map<Long, Long> a, Map<Long, Long> b) {
        Map<Long, Long> d = new HashMap<>();
        b.forEach((tid, v) -> d.put(tid, v - a.getOrDefault(tid, 0L)));
        return d;
    }

    private Map<String, Long> byName(Map<Long, Long> d) {
        Map<String, Long> m = new HashMap<>();
        d.forEach((tid, v) -> {
            if (tid != selfId) {
                m.merge(names.getOrDefault(tid, "?"), v, Long::sum);
            }
        });
        return m;
    }

    /**
     * Prints the window's CPU per thread group in microseconds per event: the whole window, the part up to the moment
     * the busiest thread last gained CPU (processing) and the rest (shutdown), largest first, {@code rows} groups.
     */
    synchronized void report(long events, int rows) {
        if (startNanos == 0) {
            System.out.println("    (no window)");
            return;
        }
        long end = endNanos != 0 ? endNanos : samples.get(samples.size() - 1).nanos;
        Map<Long, Long> a = at(startNanos);
        Map<Long, Long> z = at(end);
        Map<Long, Long> whole = diff(a, z);
        long busiest = whole.entrySet().stream().filter(e -> e.getKey() != selfId)
            .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(-1L);
        // the last sample in which the busiest thread gained CPU
        long lastBusy = startNanos;
        long prev = -1;
        for (Sample s : samples) {
            if (s.nanos < startNanos || s.nanos > end) {
                continue;
            }
            Long v = s.cpu.get(busiest);
            if (v != null && prev >= 0 && v > prev) {
                lastBusy = s.nanos;
            }
            if (v != null) {
                prev = v;
            }
        }
        Map<String, Long> w = byName(whole);
        Map<String, Long> proc = byName(diff(a, at(lastBusy)));
        Map<String, Long> tail = byName(diff(at(lastBusy), z));
        long total = w.values().stream().mapToLong(Long::longValue).sum();
        long procTotal = proc.values().stream().mapToLong(Long::longValue).sum();
        long uptime0 = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L
            - System.nanoTime();
        System.out.printf(Locale.ROOT, "    window at JVM uptime %.3f-%.3f s%n", (startNanos + uptime0) / 1e9,
            (end + uptime0) / 1e9);
        System.out.printf(Locale.ROOT, "    threads, us/event: window %.2f s wall, %.3f s CPU (%.2f us/event); "
                + "busiest thread '%s' last ran %.2f s before the end: processing %.2f us/event, after %.2f%n",
            (end - startNanos) / 1e9, total / 1e9, total / 1e3 / events, names.get(busiest), (end - lastBusy) / 1e9,
            procTotal / 1e3 / events, (total - procTotal) / 1e3 / events);
        Map<String, Long> sorted = new LinkedHashMap<>();
        w.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(rows)
            .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((name, v) -> System.out.printf(Locale.ROOT, "    %8.2f = %8.2f + %6.2f  %s%n", v / 1e3 / events,
            proc.getOrDefault(name, 0L) / 1e3 / events, tail.getOrDefault(name, 0L) / 1e3 / events, name));
        long rest = total - sorted.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "    %8.2f  (other threads)%n", rest / 1e3 / events);
        System.out.printf(Locale.ROOT, "    %8.2f  (this sampler, not in the sums above)%n",
            (z.getOrDefault(selfId, 0L) - a.getOrDefault(selfId, 0L)) / 1e3 / events);
    }
}

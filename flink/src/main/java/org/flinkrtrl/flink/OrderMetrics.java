package org.flinkrtrl.flink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The event-time ordering step's metrics, under the group {@code rtrl} of each subtask:
 * <dl>
 *   <dt>lateEvents (counter)</dt><dd>events that arrived after the watermark passed their timestamp plus the
 *       allowed lateness (or older than an event released early), sent to the late-events side output.</dd>
 *   <dt>duplicateEvents (counter)</dt><dd>events equal to a buffered one in key, timestamp and values; not learned
 *       (recorded on the duplicates side output).</dd>
 *   <dt>bufferOverflows (counter)</dt><dd>events released before the watermark because their key's buffer was
 *       full.</dd>
 * </dl>
 */
final class OrderMetrics {
    final Counter late;
    final Counter duplicates;
    final Counter overflows;

    OrderMetrics(MetricGroup parent) {
        MetricGroup g = parent.addGroup("rtrl");
        late = g.counter("lateEvents");
        duplicates = g.counter("duplicateEvents");
        overflows = g.counter("bufferOverflows");
    }
}

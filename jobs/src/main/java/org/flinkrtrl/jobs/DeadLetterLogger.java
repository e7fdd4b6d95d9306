package org.flinkrtrl.jobs;

import org.apache.flink.api.common.functions.MapFunction;
import org.flinkrtrl.record.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs rejected records when no dead-letter topic is configured (payloads are not logged). */
final class DeadLetterLogger implements MapFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SensorForecastJob.class);

    @Override
    public DeadLetter map(DeadLetter d) {
        LOG.warn("rejected record ({}): {} key={}", d.stage, d.reason, d.key);
        return d;
    }
}

package org.flinkrtrl.jobs;

import org.apache.flink.api.common.functions.MapFunction;
import org.flinkrtrl.connectors.ControlJson;
import org.flinkrtrl.record.ControlAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs control acknowledgements when no acknowledgement topic is configured. */
final class AckLogger implements MapFunction<ControlAck, ControlAck> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SensorForecastJob.class);

    @Override
    public ControlAck map(ControlAck a) {
        LOG.info("control: {}", ControlJson.toJson(a));
        return a;
    }
}

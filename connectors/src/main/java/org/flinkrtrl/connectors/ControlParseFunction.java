package org.flinkrtrl.connectors;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.DeadLetter;

/**
 * Turns control-stream lines into commands ({@link ControlJson}); lines that are no valid command go to
 * {@link #DEAD_LETTERS} with stage {@value #STAGE} and the reason.
 */
public class ControlParseFunction extends ProcessFunction<RawRecord, ControlCommand> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "control";

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
        new OutputTag<>("control-dead-letters", TypeInformation.of(DeadLetter.class));

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ControlCommand> out) {
        if (raw.text == null || raw.text.isBlank()) {
            return;
        }
        try {
            out.collect(ControlJson.parse(raw.text));
        } catch (IllegalArgumentException e) {
            ctx.output(DEAD_LETTERS, DeadLetter.bounded(STAGE, "control command: " + e.getMessage(), raw.text, null,
                raw.timestamp, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES));
        }
    }
}

package org.flinkrtrl.connectors;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;

/** Turns raw records into events; records that do not parse go to {@link #DEAD_LETTERS} with their reason. */
public class ParseFunction extends ProcessFunction<RawRecord, Event> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
        new OutputTag<>("parse-dead-letters", TypeInformation.of(DeadLetter.class));

    private final EventParser parser;

    public ParseFunction(EventParser parser) {
        this.parser = parser;
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        EventParser.Result r = raw.oversizeSha256 != null
            ? parser.oversize(raw.text, raw.oversizeBytes, raw.oversizeSha256)
            : parser.parse(raw.text, raw.position, raw.timestamp, raw.malformedUtf8At);
        if (r.ok()) {
            out.collect(r.event);
        } else {
            ctx.output(DEAD_LETTERS, r.deadLetter);
        }
    }
}

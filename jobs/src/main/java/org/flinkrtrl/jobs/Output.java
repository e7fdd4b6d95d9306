package org.flinkrtrl.jobs;

import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;

/** A prediction or a dead letter, so a bounded run collects both through one result stream. A Flink POJO. */
public class Output {
    public Prediction prediction;
    public DeadLetter deadLetter;
    /** A control acknowledgement (runs with a control stream). */
    public ControlAck ack;

    public Output() {}

    static Output of(Prediction p) {
        Output o = new Output();
        o.prediction = p;
        return o;
    }

    static Output of(ControlAck a) {
        Output o = new Output();
        o.ack = a;
        return o;
    }

    static Output of(DeadLetter d) {
        Output o = new Output();
        o.deadLetter = d;
        return o;
    }
}

package org.flinkrtrl.core.logs;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.LEARNING_RATE;
import static org.flinkrtrl.core.learner.ModelSettings.METHOD;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;
import static org.flinkrtrl.core.learner.ModelSettings.TRUNCATION;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.List;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * Writes log-source states (template miner + {@code LogLearner}, codec kind 3) in this build's format:
 * {@code java -cp core/target/classes:core/target/test-classes org.flinkrtrl.core.logs.LogStatesWriter FILE}.
 * {@code log-states-format2.bin.gz} (see src/test/resources/codec/README.md), which {@link LogStateBytesTest} pins,
 * was written by this class at commit f1e5180, in log-source format 1.
 */
public final class LogStatesWriter {
    private LogStatesWriter() {}

    public static void main(String[] args) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.util.zip.GZIPOutputStream(new FileOutputStream(args[0])))) {
            for (Method m : Method.values()) {
                byte[] b = trained(m).toBytes();
                out.writeUTF("mined n=6 " + m);
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }

    /** The configuration of every stored state but its method. */
    static ModelConfig config(Method m) {
        return LogLearner.config(ModelConfig.builder().set(HIDDEN, 6).set(METHOD, m).set(TRUNCATION, 5)
            .set(LEARNING_RATE, 0.01).set(SEED, 3L).build(), 12);
    }

    /** A mining source after {@link #EVENTS} synthetic lines (seed 4), one per second. */
    static LogSourceModel trained(Method m) {
        LogSourceModel s = new LogSourceModel(new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(10)),
            new LogLearner(config(m), 99L), 3);
        List<String> lines = TemplateMinerTest.syntheticLines(EVENTS, 4L);
        for (int i = 0; i < lines.size(); i++) {
            s.observe(lines.get(i), 1000L * i);
        }
        return s;
    }

    static final int EVENTS = 300;
}

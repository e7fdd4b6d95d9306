package org.flinkrtrl.core.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** A log source at its vocabulary's capacity: what it holds, and the heap estimate against JOL's measurement. */
class LogKeySizeTest {
    static {
        System.setProperty("jol.magicFieldOffset", "true"); // the calibration's settings are a record
    }

    static ModelConfig config(int vocabulary) {
        return LogLearner.config(ModelConfig.builder().set(ModelSettings.INPUTS, 1).build(), vocabulary);
    }

    /** Heap bytes of one more source like {@code a} (so nothing shared is counted). */
    static long heapPerKey(Object a, Object b) {
        return GraphLayout.parseInstance(a, b).totalSize() - GraphLayout.parseInstance(a).totalSize();
    }

    @Test
    void aSourceAtCapacityUsesEveryClassAndHasOneTemplatePerType() {
        LogSourceModel m = LogKeySize.atCapacity(config(12), MinerSettings.DEFAULTS, 3);
        assertEquals(12, m.learner().vocabulary().size(), "the vocabulary is full");
        assertEquals(12, m.miner().templateCount());
        assertEquals(48, m.miner().messages());
        assertEquals(12, new TemplateMiner(MinerSettings.DEFAULTS).tokenize(LogKeySize.message(5, 1)).length);
        assertEquals("wl session opened for user <*> from <IP> port <NUM> pid <NUM>", m.miner().template(5));
        assertEquals("wgqi", LogKeySize.word(1000), "base 20 in letters g..z, lowest digit first: no hex id");
    }

    @Test
    void theHeapEstimateCoversTheMeasuredHeapWithinAQuarter() {
        for (int vocabulary : new int[] {12, 63}) {
            for (MinerSettings miner : new MinerSettings[] {MinerSettings.DEFAULTS, null}) {
                ModelConfig c = config(vocabulary);
                long measured = heapPerKey(LogKeySize.atCapacity(c, miner, 3), LogKeySize.atCapacity(c, miner, 3));
                long estimate = LogKeySize.heapBytes(c, miner, 3);
                String what = "vocabulary " + vocabulary + (miner != null ? ", mining" : ", pre-parsed") + ": estimate "
                    + estimate + ", JOL " + measured;
                assertTrue(estimate >= measured && estimate <= 1.25 * measured, what);
            }
        }
    }

    @Test
    void aTemplateMinedBeyondTheVocabularyCostsAboutItsEstimate() {
        TemplateMiner a = new TemplateMiner(MinerSettings.DEFAULTS);
        TemplateMiner b = new TemplateMiner(MinerSettings.DEFAULTS);
        // below the prefix tree's 100 children per node, where each first word still makes a template of its own
        for (int i = 0; i < 40; i++) {
            a.add(LogKeySize.message(i, 0));
            b.add(LogKeySize.message(i, 0));
        }
        for (int i = 40; i < 80; i++) {
            b.add(LogKeySize.message(i, 0));
        }
        assertEquals(80, b.templateCount());
        long perTemplate = (GraphLayout.parseInstance(b).totalSize() - GraphLayout.parseInstance(a).totalSize()) / 40;
        assertTrue(perTemplate <= LogKeySize.HEAP_PER_EXTRA_TEMPLATE && perTemplate >= 0.75 * LogKeySize.HEAP_PER_EXTRA_TEMPLATE,
            "heap per template " + perTemplate);
        assertEquals(122, LogKeySize.bytesPerExtraTemplate(MinerSettings.DEFAULTS), "serialised");
    }
}

package org.flinkrtrl.flink;

import org.flinkrtrl.record.Event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The public API's wiring, without running a job. */
class LearnerOperatorTest {

    @Test
    void buildsAStableKeyedOperatorWithTypedOutputs() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LearnerOperator.Streams s = LearnerOperator.apply(
            env.fromData(List.of(new Event("a", 1, new double[] {1, 2}, null, null)), TypeInformation.of(Event.class)),
            ModelOptions.fromMap(Map.of("rtrl.model.hidden", "4", "rtrl.state.ttl", "1 h")), 2);
        assertEquals(LearnerOperator.UID, s.predictions().getTransformation().getUid());
        assertEquals(LearnerOperator.NAME, s.predictions().getName());
        assertEquals(PredictionSerializer.class, s.predictions().getType().createSerializer(
            env.getConfig().getSerializerConfig()).getClass(), "predictions have their own serializer, not Kryo");
        assertTrue(s.deadLetters().getType() instanceof PojoTypeInfo, "dead letters are POJOs, not Kryo generics");
        assertTrue(TypeInformation.of(Event.class) instanceof PojoTypeInfo);
        assertEquals("rtrl-dead-letters", LearnerOperator.DEAD_LETTERS.getId());
    }

    @Test
    void badOptionsFailWhenTheJobIsBuilt() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearnerOperator.apply(
            env.fromData(List.of(new Event("a", 1, new double[] {1}, null, null)), TypeInformation.of(Event.class)),
            ModelOptions.fromMap(Map.of("rtrl.model.rank", "0")), 1));
        assertTrue(e.getMessage().contains("rtrl.model.rank"), e.getMessage());
    }

    @Test
    void keySeedsDependOnlyOnJobSeedAndKey() {
        assertEquals(KeySeeds.seedFor(42, "mote-1"), KeySeeds.seedFor(42, new String("mote-1")));
        assertTrue(KeySeeds.seedFor(42, "mote-1") != KeySeeds.seedFor(42, "mote-4"));
        assertTrue(KeySeeds.seedFor(42, "mote-1") != KeySeeds.seedFor(43, "mote-1"));
        // pinned: a change here changes every deployed model's initialisation (and breaks output reproducibility)
        assertEquals(0xcbf29ce484222325L, KeySeeds.fnv1a64(""));
    }
}

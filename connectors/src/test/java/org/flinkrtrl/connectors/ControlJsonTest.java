package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.ControlCommand.Op;
import org.junit.jupiter.api.Test;

class ControlJsonTest {
    @Test
    void parsesEveryOp() {
        ControlCommand c = ControlJson.parse(
            "{\"id\":\"lr-1\",\"time\":\"2010-05-09T00:00:00Z\",\"key\":\"mote-3\",\"op\":\"learning-rate\",\"value\":0.003}");
        assertEquals(new ControlCommand("lr-1", 1273363200000L, "mote-3", Op.LEARNING_RATE, 0.003, null), c);
        c = ControlJson.parse("{\"id\":\"f\",\"time\":1273363200000,\"op\":\"freeze\"}");
        assertEquals(new ControlCommand("f", 1273363200000L, null, Op.FREEZE, Double.NaN, null), c);
        assertNull(ControlJson.parse("{\"id\":\"x\",\"time\":5,\"key\":\"*\",\"op\":\"reset\"}").key);
        assertTrue(Double.isNaN(ControlJson.parse("{\"id\":\"x\",\"time\":5,\"op\":\"anomaly-threshold\",\"value\":null}")
            .value));
        assertEquals(Op.WARM_UP, ControlJson.parse("{\"id\":\"w\",\"time\":5,\"op\":\"warm-up\",\"value\":50}").op);
        assertEquals(Op.CLEAR, ControlJson.parse("{\"id\":\"c\",\"time\":5,\"op\":\"clear\"}").op);
        assertEquals(Op.UNFREEZE, ControlJson.parse("{\"id\":\"u\",\"time\":5,\"op\":\"unfreeze\"}").op);
        assertArrayEquals(new byte[] {1, 2, 3},
            ControlJson.parse("{\"id\":\"r\",\"time\":5,\"key\":\"k\",\"op\":\"replace\",\"state\":\"AQID\"}").state);
        // an exported model line as a whole
        assertArrayEquals(new byte[] {1, 2, 3}, ControlJson.parse("{\"id\":\"r\",\"time\":5,\"key\":\"k\",\"op\":\"replace\","
            + "\"model\":{\"key\":\"other\",\"steps\":7,\"state\":\"AQID\"}}").state);
    }

    @Test
    void refusesBadCommandsWithTheReason() {
        assertReason("not JSON", "{\"id\":");
        assertReason("a command is a JSON object", "[1]");
        assertReason("id is missing", "{\"time\":5,\"op\":\"reset\"}");
        assertReason("time is missing", "{\"id\":\"a\",\"op\":\"reset\"}");
        assertReason("time 'yesterday' is no ISO-8601 instant", "{\"id\":\"a\",\"time\":\"yesterday\",\"op\":\"reset\"}");
        assertReason("unknown op 'explode'", "{\"id\":\"a\",\"time\":5,\"op\":\"explode\"}");
        assertReason("unknown field 'vaule'", "{\"id\":\"a\",\"time\":5,\"op\":\"learning-rate\",\"vaule\":1}");
        assertReason("learning-rate needs a finite value > 0", "{\"id\":\"a\",\"time\":5,\"op\":\"learning-rate\",\"value\":0}");
        assertReason("value must be a number", "{\"id\":\"a\",\"time\":5,\"op\":\"learning-rate\",\"value\":\"fast\"}");
        assertReason("replace needs the model's state", "{\"id\":\"a\",\"time\":5,\"op\":\"replace\"}");
        assertReason("state is not base64", "{\"id\":\"a\",\"time\":5,\"op\":\"replace\",\"state\":\"%%%\"}");
        assertReason("warm-up needs a whole number", "{\"id\":\"a\",\"time\":5,\"op\":\"warm-up\",\"value\":-3}");
    }

    private static void assertReason(String start, String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlJson.parse(line));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void writesAcks() {
        assertEquals("{\"id\":\"lr-1\",\"op\":\"learning-rate\",\"time\":5,\"status\":\"applied\",\"key\":\"k\","
            + "\"appliedAt\":7,\"steps\":3,\"effect\":\"learning rate 0.001 -> 0.003\"}",
            ControlJson.toJson(new ControlAck("lr-1", "learning-rate", 5, ControlAck.APPLIED, "k", 7, 3,
                "learning rate 0.001 -> 0.003")));
        assertEquals("{\"id\":\"f\",\"op\":\"freeze\",\"time\":5,\"status\":\"accepted\",\"effect\":\"for every key\"}",
            ControlJson.toJson(new ControlAck("f", "freeze", 5, ControlAck.ACCEPTED, null, Long.MIN_VALUE, -1,
                "for every key")));
    }
}

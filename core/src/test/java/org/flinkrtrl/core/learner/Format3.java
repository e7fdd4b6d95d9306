package org.flinkrtrl.core.learner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** The expected format-3 bytes of a learner stored in codec format 2, written out field by field for the tests. */
public final class Format3 {
    private Format3() {}

    /**
     * What a format-2 state re-encodes to in format 3: version 3, the config followed by updatePeriod = 1, the same
     * fields, then the update period's block with an empty period (int count 0, int array length 0).
     */
    public static byte[] fromFormat2(byte[] format2) throws IOException {
        ByteArrayInputStream rest = new ByteArrayInputStream(format2, 7, format2.length - 7);
        ModelConfig.readFrom(new DataInputStream(rest), 2);
        int configEnd = format2.length - rest.available();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.write(format2, 0, 4);
        out.writeShort(3);
        out.write(format2, 6, configEnd - 6);
        out.writeInt(1);
        out.write(format2, configEnd, format2.length - configEnd);
        out.writeInt(0);
        out.writeInt(0);
        out.flush();
        return bos.toByteArray();
    }
}

package org.flinkrtrl.core.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** The template miner on a fixed sample: exact templates, masking, restart determinism and the template cap. */
class TemplateMinerTest {

    static final String[] SAMPLE = {
        "sshd[13709]: Failed password for invalid user ROOT from 194.117.26.69 port 50273 ssh2",
        "sshd[13710]: Failed password for invalid user admin from 10.0.0.7 port 4122 ssh2",
        "sshd[31602]: Accepted publickey for alice from 192.168.1.20 port 51000 ssh2",
        "sshd[13711]: Failed password for invalid user guest from 10.0.0.8 port 4123 ssh2",
        "kernel: eth0 link up 1000 Mbps",
        "sshd[31603]: Accepted publickey for bob from 192.168.1.21 port 51001 ssh2",
        "kernel: eth1 link down",
        "cron[77]: (root) CMD (/usr/lib/php/sessionclean)",
        "kernel: eth0 link up 100 Mbps",
        "cron[78]: (root) CMD (/usr/bin/backup)",
        "session 0x7f3a22c1 opened for user alice",
        "session deadbeef42 opened for user bob",
    };

    @Test
    void minesTheExpectedTemplatesOfAFixedSample() {
        TemplateMiner m = new TemplateMiner(MinerSettings.DEFAULTS);
        int[] ids = new int[SAMPLE.length];
        for (int i = 0; i < SAMPLE.length; i++) {
            ids[i] = m.add(SAMPLE[i]);
        }
        assertArrayEquals(new int[] {0, 0, 1, 0, 2, 1, 3, 4, 2, 4, 5, 5}, ids);
        assertEquals(6, m.templateCount());
        assertEquals("sshd[<NUM>]: Failed password for invalid user <*> from <IP> port <NUM> ssh2", m.template(0));
        assertEquals("sshd[<NUM>]: Accepted publickey for <*> from <IP> port <NUM> ssh2", m.template(1));
        assertEquals("kernel: eth0 link up <NUM> Mbps", m.template(2));
        assertEquals("kernel: eth1 link down", m.template(3));
        assertEquals("cron[<NUM>]: (root) CMD (<PATH>)", m.template(4));
        assertEquals("session <HEX> opened for user <*>", m.template(5));
        assertEquals(3, m.count(0));
        assertEquals(2, m.count(1));
        assertEquals(12, m.messages());
        assertEquals(0, m.overflows());
    }

    @Test
    void masksNumbersIdsAddressesAndPaths() {
        assertEquals("<NUM>", TokenMasker.mask("42"));
        assertEquals("<NUM>", TokenMasker.mask("-1.5"));
        assertEquals("<NUM>", TokenMasker.mask("2024-01-02"));
        assertEquals("<NUM>", TokenMasker.mask("12:30:01"));
        assertEquals("<NUM>,", TokenMasker.mask("1024,"));
        assertEquals("<IP>", TokenMasker.mask("10.0.0.1"));
        assertEquals("<IP>", TokenMasker.mask("192.168.100.200:8080"));
        assertEquals("(<IP>)", TokenMasker.mask("(10.0.0.1)"));
        assertEquals("<HEX>", TokenMasker.mask("0x7FFF"));
        assertEquals("<HEX>", TokenMasker.mask("a1b2c3d4e5"));
        assertEquals("<HEX>", TokenMasker.mask("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        assertEquals("<PATH>", TokenMasker.mask("/var/log/auth.log"));
        assertEquals("\"<PATH>\"", TokenMasker.mask("\"/index.html\""));
        assertEquals("port=<NUM>", TokenMasker.mask("port=22"));
        assertEquals("uid=<NUM>)", TokenMasker.mask("uid=0)"));
        assertEquals("sshd[<NUM>]:", TokenMasker.mask("sshd[1234]:"));
        // kept: words, short hex-looking words, versions inside words, dotted names
        assertEquals("deadbeef", TokenMasker.mask("deadbeef"));
        assertEquals("cafe12", TokenMasker.mask("cafe12"));
        assertEquals("ssh2", TokenMasker.mask("ssh2"));
        assertEquals("example.com", TokenMasker.mask("example.com"));
        assertEquals("<NUM>", TokenMasker.mask("1.2.3"));
        assertFalse(TokenMasker.isIpv4("1.2.3.4.5"));
        assertFalse(TokenMasker.isIpv4("1234.2.3.4"));
        assertEquals("/", TokenMasker.mask("/"));
    }

    @Test
    void capsTokensPerMessageAndCharactersPerToken() {
        TemplateMiner m = new TemplateMiner(new MinerSettings(4, 0.5, 100, 10, 4, 8));
        assertArrayEquals(new String[] {"a", "b", "c", TemplateMiner.WILDCARD}, m.tokenize("a b c d e f"));
        assertArrayEquals(new String[] {"short", TemplateMiner.WILDCARD}, m.tokenize("short waytoolongtoken"));
        assertArrayEquals(new String[0], m.tokenize("   \t "));
    }

    @Test
    void theTemplateCapTurnsNewShapesIntoCountedOverflows() {
        TemplateMiner m = new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(2));
        assertEquals(0, m.add("alpha started"));
        assertEquals(1, m.add("beta stopped now"));
        assertEquals(TemplateMiner.OVERFLOW, m.add("gamma failed badly here"));
        assertEquals(TemplateMiner.OVERFLOW, m.add("delta"));
        assertEquals(0, m.add("alpha started"));
        assertEquals(1, m.add("beta stopped later"));
        assertEquals(2, m.templateCount());
        assertEquals(2, m.overflows());
        assertEquals("beta stopped <*>", m.template(1));
        assertEquals("<overflow>", m.template(TemplateMiner.OVERFLOW));
    }

    @Test
    void aFullPrefixNodeRoutesNewTokensThroughItsWildcardChild() {
        TemplateMiner m = new TemplateMiner(new MinerSettings(3, 0.5, 3, 100, 16, 64));
        assertEquals(0, m.add("aa x"));
        assertEquals(1, m.add("bb x"));
        // the node has maxChildren - 1 = 2 children: cc and dd share the wildcard child and its templates
        assertEquals(2, m.add("cc y"));
        assertEquals(2, m.add("dd y"));
        assertEquals("<*> y", m.template(2));
        assertEquals(3, m.add("ee z"));
    }

    @Test
    void aRestoredMinerContinuesExactlyAndWritesTheSameBytes() throws IOException {
        List<String> lines = syntheticLines(3000, 11L);
        TemplateMiner straight = new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(40));
        TemplateMiner restarted = new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(40));
        int[] a = new int[lines.size()];
        int[] b = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            a[i] = straight.add(lines.get(i));
            if (i % 500 == 499) {
                restarted = roundTrip(restarted);
            }
            b[i] = restarted.add(lines.get(i));
        }
        assertArrayEquals(a, b);
        assertArrayEquals(bytes(straight), bytes(restarted));
        for (int id = 0; id < straight.templateCount(); id++) {
            assertEquals(straight.template(id), restarted.template(id));
        }
        assertTrue(straight.templateCount() > 5, "the synthetic sample has several shapes");
        // a second miner fed the same lines gives the same bytes: no hash order or clock involved
        TemplateMiner again = new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(40));
        lines.forEach(again::add);
        assertArrayEquals(bytes(straight), bytes(again));
    }

    @Test
    void refusesAnotherFormatAndOutOfBoundCounts() throws IOException {
        TemplateMiner m = new TemplateMiner(MinerSettings.DEFAULTS);
        m.add("one two three");
        byte[] ok = bytes(m);
        byte[] wrongFormat = ok.clone();
        wrongFormat[1] = 9;
        assertEquals("template miner state format 9 is not supported (this build reads 1)",
            assertThrows(IOException.class, () -> read(wrongFormat)).getMessage());
        byte[] tooMany = ok.clone();
        int templateCountAt = 2 + 4 + 8 + 4 * 4 + 8 + 8 + 1;
        tooMany[templateCountAt] = 0x7f;
        assertTrue(assertThrows(IOException.class, () -> read(tooMany)).getMessage()
            .startsWith("template miner state: templates 2130706433 outside [0, 1000]"));
    }

    static List<String> syntheticLines(int n, long seed) {
        String[] users = {"root", "alice", "bob", "admin", "test", "oracle", "www-data"};
        Rng rng = new Rng(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String user = users[(int) (rng.nextDouble() * users.length)];
            String ip = (int) (rng.nextDouble() * 250) + "." + (int) (rng.nextDouble() * 250) + ".0."
                + (int) (rng.nextDouble() * 250);
            int num = (int) (rng.nextDouble() * 65000);
            out.add(switch ((int) (rng.nextDouble() * 9)) {
                case 0 -> "Failed password for " + user + " from " + ip + " port " + num + " ssh2";
                case 1 -> "Accepted password for " + user + " from " + ip + " port " + num + " ssh2";
                case 2 -> "Connection closed by " + ip + " port " + num;
                case 3 -> "pam_unix(sshd:session): session opened for user " + user + " by (uid=" + num + ")";
                case 4 -> "Invalid user " + user + " from " + ip;
                case 5 -> "Disconnected from user " + user + " " + ip + " port " + num;
                case 6 -> "error: maximum attempts for " + user;
                case 7 -> "kernel: usb " + (num % 4) + "-1: new device number " + num;
                default -> "CRON[" + num + "]: (" + user + ") CMD (/usr/local/bin/job-" + (num % 7) + ")";
            });
        }
        return out;
    }

    static byte[] bytes(TemplateMiner m) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        m.writeTo(new DataOutputStream(bos));
        return bos.toByteArray();
    }

    static TemplateMiner read(byte[] b) throws IOException {
        return TemplateMiner.readFrom(new DataInputStream(new ByteArrayInputStream(b)));
    }

    static TemplateMiner roundTrip(TemplateMiner m) throws IOException {
        return read(bytes(m));
    }
}

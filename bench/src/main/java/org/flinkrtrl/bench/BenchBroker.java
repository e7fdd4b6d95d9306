package org.flinkrtrl.bench;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka 4.2 broker (KRaft, combined) for {@link JobThroughput}, run in its own JVM so the broker's CPU
 * is not counted as the job's. Prints {@code bootstrap=<host:port>} once ready and stops when its standard input
 * closes (the parent exits or closes the pipe).
 */
public final class BenchBroker {
    private BenchBroker() {}

    public static void main(String[] args) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
            .build();
        try (KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            c.format();
            c.startup();
            c.waitForReadyBrokers();
            System.out.println("bootstrap=" + c.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the parent closes the pipe
            }
        }
    }
}

package org.flinkrtrl.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates topics: {@code Topics --bootstrap-servers H:P [--partitions 4] --create t1,t2,...}.
 * Existing topics are left alone, so it is safe to run twice.
 */
@Command(name = "Topics")
public final class Topics implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true) String bootstrap;
    @Option(names = "--partitions", defaultValue = "4") int partitions;
    @Option(names = "--create", required = true, paramLabel = "t1,t2,...") String create;

    public static void main(String[] argv) {
        ToolLogging.quiet();
        System.exit(new CommandLine(new Topics()).execute(argv));
    }

    @Override
    public Integer call() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> todo = new ArrayList<>();
            for (String t : create.split(",")) {
                if (!t.isBlank() && !existing.contains(t)) todo.add(new NewTopic(t.trim(), partitions, (short) 1));
            }
            try {
                admin.createTopics(todo).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
            System.out.println("topics ready: " + create + " (" + partitions + " partitions)");
        }
        return 0;
    }
}

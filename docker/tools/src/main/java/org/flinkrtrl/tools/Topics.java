package org.flinkrtrl.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics: {@code Topics --bootstrap-servers H:P [--partitions 4] --create t1,t2,...}.
 * Existing topics are left alone, so it is safe to run twice.
 */
public final class Topics {
    public static void main(String[] argv) throws Exception {
        Args.quietLogging();
        Args a = new Args(argv);
        int partitions = (int) a.getLong("partitions", 4);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, a.get("bootstrap-servers"));
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> todo = new ArrayList<>();
            for (String t : a.get("create").split(",")) {
                if (!t.isBlank() && !existing.contains(t)) todo.add(new NewTopic(t.trim(), partitions, (short) 1));
            }
            try {
                admin.createTopics(todo).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
            System.out.println("topics ready: " + a.get("create") + " (" + partitions + " partitions)");
        }
    }
}

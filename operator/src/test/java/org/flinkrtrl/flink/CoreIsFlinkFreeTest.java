package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The architecture's first rule: the learning core never depends on Flink. */
class CoreIsFlinkFreeTest {

    @Test
    void coreSourcesNeverMentionFlink() throws IOException {
        Path core = Paths.get("src/main/java/org/flinkrtrl/core");
        assertTrue(Files.isDirectory(core), "run from the operator module: " + core.toAbsolutePath());
        List<Path> sources;
        try (Stream<Path> s = Files.walk(core)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertTrue(sources.size() > 10, "found the core sources");
        List<String> offenders = sources.stream()
            .filter(p -> read(p).contains("org.apache.flink") || read(p).contains("org.flinkrtrl.flink"))
            .map(Path::toString).collect(Collectors.toList());
        assertEquals(List.of(), offenders, "core files importing Flink or the Flink layer");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

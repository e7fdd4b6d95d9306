package org.flinkrtrl.jobs.lifecycle;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.flinkrtrl.connectors.ModelJson;

/** The model lines of a {@link ModelJson} file (an export), read in order; blank lines skipped. */
final class ModelLines {
    private ModelLines() {}

    /**
     * Hands every model line of {@code models} to {@code action}.
     *
     * @throws IllegalArgumentException from a line that does not parse or that {@code action} refuses, prefixed with
     *                                  the file and the line's number
     */
    static void forEach(Path models, Consumer<ModelJson.Line> action) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(models, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    action.accept(ModelJson.read(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(models + " line " + number + ": " + e.getMessage());
                }
            }
        }
    }
}

package org.flinkrtrl.jobs.lifecycle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.WarmStartTemplate;

/** The warm-start template of a job: from the forecaster lines of a {@link ModelJson} file (an export). */
public final class WarmStartFile {
    private WarmStartFile() {}

    /**
     * The template of the forecasters in {@code models} whose key is in {@code keys} (all forecaster lines when
     * {@code keys} is empty): that model's parameters for one key, their average for several.
     *
     * @throws IllegalArgumentException on a bad line (with its number), a key of {@code keys} missing from the file,
     *                                  no forecaster line, or models of different configurations
     */
    public static WarmStartTemplate read(Path models, List<String> keys, boolean withCovariance) throws IOException {
        Set<String> wanted = new LinkedHashSet<>(keys);
        List<ForecastingLearner> chosen = new ArrayList<>();
        Set<String> found = new LinkedHashSet<>();
        ModelLines.forEach(models, m -> {
            if (ModelJson.FORECASTER.equals(m.kind()) && (wanted.isEmpty() || wanted.contains(m.key()))) {
                chosen.add(ModelJson.forecaster(m));
                found.add(m.key());
            }
        });
        wanted.removeAll(found);
        if (!wanted.isEmpty()) {
            throw new IllegalArgumentException("warm-start keys not in " + models + ": " + String.join(", ", wanted));
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(models + " holds no forecaster model");
        }
        return WarmStartTemplate.average(chosen, withCovariance);
    }
}

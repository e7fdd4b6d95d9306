package org.flinkrtrl.jobs.lifecycle;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.flink.LogOperator;

/** Which model operators (by uid) a savepoint or retained checkpoint holds state for. */
final class ModelOperators {
    private ModelOperators() {}

    /** The operator uid of a model kind ({@link ModelJson#FORECASTER} or {@link ModelJson#LOG}). */
    static String uid(String kind) {
        return ModelJson.LOG.equals(kind) ? LogOperator.UID : LearnerOperator.UID;
    }

    /**
     * The kinds whose operator has keyed state in the savepoint at {@code path}, forecaster first.
     *
     * @throws IllegalArgumentException when there is no savepoint metadata at {@code path}
     */
    static Set<String> kindsIn(String path) throws IOException {
        CheckpointMetadata md;
        try {
            md = SavepointLoader.loadSavepointMetadata(path);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no savepoint or completed checkpoint at " + path + ": " + e.getMessage());
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (String kind : new String[] {ModelJson.FORECASTER, ModelJson.LOG}) {
            OperatorID id = OperatorIdentifier.forUid(uid(kind)).getOperatorId();
            for (OperatorState op : md.getOperatorStates()) {
                if (op.getOperatorID().equals(id)
                    && op.getSubtaskStates().values().stream().anyMatch(s -> s.getManagedKeyedState().hasState())) {
                    kinds.add(kind);
                }
            }
        }
        return kinds;
    }
}

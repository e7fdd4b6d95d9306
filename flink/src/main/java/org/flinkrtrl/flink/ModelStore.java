package org.flinkrtrl.flink;

import org.apache.flink.api.common.state.ValueState;

/**
 * Where a keyed function keeps the current key's model: the keyed state itself, or a {@link ModelCache} of decoded
 * models in front of it. Every call acts on the operator's current key.
 */
interface ModelStore<M> {
    /** The current key's model, or null when it has none (never stored, cleared or expired). */
    M load() throws Exception;

    /** Keeps {@code model} as the current key's model. */
    void store(M model) throws Exception;

    /** Drops the current key's model. */
    void remove() throws Exception;

    /** The models straight in a {@link ValueState}: every load decodes, every store encodes (on serializing backends). */
    static <M> ModelStore<M> of(ValueState<M> state) {
        return new ModelStore<>() {
            @Override
            public M load() throws Exception {
                return state.value();
            }

            @Override
            public void store(M model) throws Exception {
                state.update(model);
            }

            @Override
            public void remove() {
                state.clear();
            }
        };
    }
}

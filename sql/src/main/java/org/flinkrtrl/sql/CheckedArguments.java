package org.flinkrtrl.sql;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.StaticArgument;

/**
 * The function's own input type strategy plus a check of its literal settings while the query is planned, so a
 * bad {@code hidden}, {@code learning_rate} or {@code value_columns} fails {@code executeSql} with a message naming
 * the argument instead of failing the job once it runs.
 */
final class CheckedArguments implements InputTypeStrategy {
    private final InputTypeStrategy inner;
    private final List<String> names;

    CheckedArguments(InputTypeStrategy inner, List<StaticArgument> arguments) {
        this.inner = inner;
        this.names = arguments.stream().map(StaticArgument::getName).toList();
    }

    @Override
    public ArgumentCount getArgumentCount() {
        return inner.getArgumentCount();
    }

    @Override
    public Optional<List<DataType>> inferInputTypes(CallContext call, boolean throwOnFailure) {
        Optional<String> problem = problem(call);
        if (problem.isPresent()) {
            return call.fail(throwOnFailure, "rtrl_forecast: %s", problem.get());
        }
        return inner.inferInputTypes(call, throwOnFailure);
    }

    private Optional<String> problem(CallContext call) {
        Optional<String> columns = literal(call, "value_columns", String.class);
        if (columns.isPresent() && RtrlForecastFunction.columnNames(columns.get()).isEmpty()) {
            return Optional.of("value_columns must name at least one column, got '" + columns.get() + "'");
        }
        Optional<Integer> hidden = literal(call, "hidden", Integer.class);
        if (hidden.isPresent() && (hidden.get() < 1 || hidden.get() > 4096)) {
            return Optional.of("hidden must be in [1, 4096], got " + hidden.get());
        }
        Optional<Double> lr = literal(call, "learning_rate", Double.class);
        if (lr.isPresent() && !(lr.get() > 0 && Double.isFinite(lr.get()))) {
            return Optional.of("learning_rate must be finite and > 0, got " + lr.get());
        }
        return Optional.empty();
    }

    private <T> Optional<T> literal(CallContext call, String name, Class<T> type) {
        int i = names.indexOf(name);
        if (i < 0 || i >= call.getArgumentDataTypes().size() || !call.isArgumentLiteral(i) || call.isArgumentNull(i)) {
            return Optional.empty();
        }
        return call.getArgumentValue(i, type);
    }

    @Override
    public List<Signature> getExpectedSignatures(FunctionDefinition definition) {
        return inner.getExpectedSignatures(definition);
    }
}

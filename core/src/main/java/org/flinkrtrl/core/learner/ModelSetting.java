package org.flinkrtrl.core.learner;

import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * One model setting: the {@link ModelConfig} component it fills, its key, default, validation rule and
 * description. The settings themselves are declared in {@link ModelSettings}; the command line, the Flink
 * configuration and {@code --help} are generated from that list.
 *
 * <p>Values are {@link Integer}, {@link Long}, {@link Double}, {@link Boolean}, {@link String} or an enum. Text is parsed the same way everywhere:
 * numbers as Java literals, enum constants by name ignoring case (and with {@code -} for {@code _}).
 *
 * @param <T> the value type (boxed)
 */
public final class ModelSetting<T> {
    private final int index;
    private final String name;
    private final String key;
    private final String alias;
    private final String label;
    private final Class<T> type;
    private final T defaultValue;
    private final Predicate<T> valid;
    private final String rule;
    private final String description;
    private final boolean fromData;
    private T softmaxDefault;

    ModelSetting(int index, String name, String alias, String label, T defaultValue, Predicate<T> valid, String rule,
                 String description, boolean fromData) {
        this.index = index;
        this.name = name;
        this.key = kebab(name);
        this.alias = alias;
        this.label = label;
        this.type = typeOf(defaultValue);
        this.defaultValue = defaultValue;
        this.valid = valid;
        this.rule = rule;
        this.description = description;
        this.fromData = fromData;
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> typeOf(T value) {
        Class<?> c = value.getClass();
        if (value instanceof Enum<?> e) {
            c = e.getDeclaringClass();
        }
        return (Class<T>) c;
    }

    /** Position in {@link ModelSettings#ALL}, which is also the {@link ModelConfig} component order. */
    int index() {
        return index;
    }

    /** The {@link ModelConfig} component, e.g. {@code learningRate}. */
    public String name() {
        return name;
    }

    /** The option key, e.g. {@code learning-rate}: {@code --learning-rate} and {@code rtrl.model.learning-rate}. */
    public String key() {
        return key;
    }

    /** A shorter command-line name ({@code lr} for {@code --lr}), or null. */
    public String alias() {
        return alias;
    }

    /** What the value is, for help texts: {@code --learning-rate <rate>}. */
    public String label() {
        return label != null ? label : choices().replace(", ", "|");
    }

    public Class<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /**
     * The default for a model with the given output head: the softmax head's own default where the declaration gives
     * one ({@link ModelSettings#LEARNING_RATE}), else {@link #defaultValue()}.
     */
    public T defaultFor(ModelConfig.Head head) {
        return head == ModelConfig.Head.SOFTMAX && softmaxDefault != null ? softmaxDefault : defaultValue;
    }

    /** Declares the softmax head's default; part of the setting's declaration in {@link ModelSettings}, once. */
    ModelSetting<T> withSoftmaxDefault(T value) {
        if (softmaxDefault != null || !valid.test(value)) {
            throw new IllegalStateException(key + ": softmax default " + value + " set twice or invalid");
        }
        softmaxDefault = value;
        return this;
    }

    /** The rule a value must satisfy, as text: {@code must be >= 1}. */
    public String rule() {
        return rule;
    }

    public String description() {
        return description;
    }

    /** True when the job sets the value from its data (inputs, outputs, head), so it is no option. */
    public boolean fromData() {
        return fromData;
    }

    public boolean isValid(T value) {
        return value != null && valid.test(value);
    }

    /** {@code value} if valid, else an IllegalArgumentException {@code "<key> <rule>, got <value>"}. */
    public T check(T value) {
        if (!isValid(value)) {
            throw new IllegalArgumentException(key + " " + rule + ", got " + value);
        }
        return value;
    }

    /**
     * Parses {@code text} (not validated against the rule).
     *
     * @throws IllegalArgumentException saying what was expected, when the text is no value of this type
     */
    public T parse(String text) {
        String t = text.trim();
        try {
            if (type == Integer.class) {
                return type.cast(Integer.valueOf(t));
            }
            if (type == Long.class) {
                return type.cast(Long.valueOf(t));
            }
            if (type == Double.class) {
                return type.cast(Double.valueOf(t));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type == Double.class ? "expected a number" : "expected an integer");
        }
        if (type == Boolean.class) {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes" -> { return type.cast(Boolean.TRUE); }
                case "false", "off", "no" -> { return type.cast(Boolean.FALSE); }
                default -> throw new IllegalArgumentException("expected true or false");
            }
        }
        if (type == String.class) {
            return type.cast(t);
        }
        String upper = t.toUpperCase(Locale.ROOT).replace('-', '_');
        for (T c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(upper)) {
                return c;
            }
        }
        throw new IllegalArgumentException("expected one of " + choices());
    }

    /** Enum constants as accepted on the command line ({@code tanh, gated}); empty for numbers. */
    public String choices() {
        if (!type.isEnum()) {
            return "";
        }
        StringJoiner j = new StringJoiner(", ");
        for (T c : type.getEnumConstants()) {
            j.add(format(c));
        }
        return j.toString();
    }

    /** The value as text that {@link #parse} reads back (enum constants in lower case). */
    public String format(T value) {
        return value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT).replace('_', '-') : String.valueOf(value);
    }

    /** This setting's value in {@code config}. */
    public T get(ModelConfig config) {
        return type.cast(ModelSettings.component(config, index));
    }

    @Override
    public String toString() {
        return key;
    }

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}

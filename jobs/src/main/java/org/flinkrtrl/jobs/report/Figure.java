package org.flinkrtrl.jobs.report;

/**
 * One reported number: its JSON name, the channel it belongs to (null for whole-event figures), the column label
 * of the HTML table, and whether it is a count (written as an integer).
 */
public record Figure(String name, String channel, String label, boolean count) {
    public static Figure of(String name, String label) {
        return new Figure(name, null, label, false);
    }

    public static Figure count(String name, String label) {
        return new Figure(name, null, label, true);
    }

    /** A figure of channel {@code channel}; its column label is prefixed with the channel's name. */
    public static Figure perChannel(String channel, String name, String label, boolean count) {
        return new Figure(name, channel, channel + " " + label, count);
    }
}

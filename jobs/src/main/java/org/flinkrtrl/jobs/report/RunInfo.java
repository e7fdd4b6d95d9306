package org.flinkrtrl.jobs.report;

/**
 * What the report says about the run besides the evaluation.
 *
 * @param input what was replayed
 * @param mapping the field mapping, as text
 * @param model the model settings, as text
 * @param kernels the vector kernels the run used, as text
 * @param channels the value channels' names
 * @param seconds wall clock including start-up
 * @param processingSeconds from the first output to the last: the steady-state processing time
 * @param deadLetters records refused by the parser or the operator
 */
public record RunInfo(String input, String mapping, String model, String kernels, String[] channels, double seconds,
                      double processingSeconds, long deadLetters) {
    /** Events per second from the first output to the last (NaN when too short to measure). */
    public double processingEventsPerSecond(long events) {
        return processingSeconds > 0 ? (events - 1) / processingSeconds : Double.NaN;
    }

    public double eventsPerSecond(long events) {
        return events / Math.max(seconds, 1e-9);
    }
}

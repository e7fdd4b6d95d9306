package org.flinkrtrl.tools;

/** Logging setup shared by the plain-Java tools. */
final class ToolLogging {
    private ToolLogging() {}

    /** Warnings only, to stderr (slf4j-simple), unless the caller set other levels. */
    static void quiet() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}

package org.flinkrtrl.core.lifecycle;

/** What a key's model does when its error stream drifts. */
public enum DriftReaction {
    /** Only mark the drift (output record and metrics). */
    NONE,
    /** Multiply the network's learning rate by the boost factor for a number of events. */
    BOOST,
    /** Replace the key's model by a fresh one (the same a reset command gives). */
    RESET
}

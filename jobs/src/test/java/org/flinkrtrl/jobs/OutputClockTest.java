package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The output count's window marks: set once when the count first reaches each end, kept across a reset. */
class OutputClockTest {
    /** The count is the JVM's: jobs run by earlier test classes in this JVM have added their predictions to it. */
    @BeforeEach
    void start() {
        OutputClock.window(Long.MAX_VALUE, Long.MAX_VALUE);
        OutputClock.reset();
    }

    @AfterEach
    void clear() {
        OutputClock.window(Long.MAX_VALUE, Long.MAX_VALUE);
        OutputClock.reset();
    }

    @Test
    void marksTheWindowWhenTheCountReachesItsEnds() {
        OutputClock.window(3000, 5000);
        OutputClock.reset(); // a run's reset keeps the window
        OutputClock.outputs(1024);
        OutputClock.outputs(1024);
        assertEquals(0, OutputClock.steadyNanos(), "2048 outputs: before the window");
        long before = System.nanoTime();
        OutputClock.outputs(1024);
        assertEquals(3072, OutputClock.steadyOutputs(), "marked at the block that reached 3000");
        assertTrue(OutputClock.steadyNanos() >= before);
        assertTrue(OutputClock.steadyCpuNanos() > 0);
        long steady = OutputClock.steadyNanos();
        OutputClock.outputs(1024);
        assertEquals(0, OutputClock.endNanos(), "4096 outputs: the end not reached");
        OutputClock.outputs(904);
        assertEquals(5000, OutputClock.endOutputs());
        assertTrue(OutputClock.endNanos() >= steady);
        assertTrue(OutputClock.endCpuNanos() >= OutputClock.steadyCpuNanos());
        OutputClock.outputs(1024);
        assertEquals(3072, OutputClock.steadyOutputs(), "each mark is set once");
        assertEquals(5000, OutputClock.endOutputs());
    }

    @Test
    void resetForgetsTheMarksAndTheCount() {
        OutputClock.window(10, 20);
        OutputClock.outputs(30);
        assertEquals(30, OutputClock.steadyOutputs());
        OutputClock.reset();
        assertEquals(0, OutputClock.steadyNanos());
        assertEquals(0, OutputClock.endNanos());
        OutputClock.outputs(15);
        assertEquals(15, OutputClock.steadyOutputs(), "counted from zero again");
        assertEquals(0, OutputClock.endNanos());
    }

    @Test
    void withoutAWindowNothingIsMarked() {
        OutputClock.reset();
        OutputClock.outputs(1 << 20);
        assertEquals(0, OutputClock.steadyNanos());
        assertEquals(0, OutputClock.endNanos());
    }
}

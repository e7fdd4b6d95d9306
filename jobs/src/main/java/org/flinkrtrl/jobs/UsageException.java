package org.flinkrtrl.jobs;

/** A wrong command line; the message is meant for the user (the job exits with code 2). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}

package org.flinkrtrl.flink;

import java.util.List;

/**
 * A keyed function whose keys expire by {@link IdleExpiry}: what its operator needs to arm the expiry timers of keys
 * restored without one ({@link RestoredKeysExpiry}).
 */
public interface ExpiryHost {
    /** Names of the keyed states (void namespace) of the expiring keys; empty when the function has no TTL. */
    List<String> expiringStates();

    /** The time of the expiry timer of a key whose idle time starts at processing time {@code now}. */
    long expiryDue(long now);
}

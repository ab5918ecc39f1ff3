package io.shm.monitoring.boundary;

import java.util.Map;

/**
 * The instances of every application, as {@code io.shm:type=Instances}: how many there are in each
 * state, and what an operator does to one of them (the admin API's revoke, reactivate and delete).
 * Active means activated and seen within the last {@code SHM_ACTIVE_DAYS} days. Each read asks the
 * database.
 */
public interface InstancesMXBean {

    /** Every instance, whatever its state. */
    long getTotal();

    long getActive();

    /** Registered, not yet activated. */
    long getPending();

    long getRevoked();

    /** The active window in days ({@code SHM_ACTIVE_DAYS}). */
    int getActiveDays();

    /** Active instances by application slug, every application listed even at 0. */
    Map<String, Long> getActiveByApplication();

    /**
     * Refuses the instance's requests from now on; revoking a revoked instance changes nothing.
     *
     * @param instanceId the instance's id, a UUID
     * @throws IllegalArgumentException for a malformed id or an unknown instance, saying which
     */
    void revoke(String instanceId);

    /**
     * Lifts a revocation: the instance reports again with its key and history unchanged.
     *
     * @throws IllegalArgumentException for a malformed id or an unknown instance, saying which
     */
    void reactivate(String instanceId);

    /**
     * Deletes the instance with its snapshots; the fleet history forgets it at the next rollup. Should
     * it report again, it is refused as unknown until it registers anew.
     *
     * @throws IllegalArgumentException for a malformed id or an unknown instance, saying which
     */
    void delete(String instanceId);
}

package io.shm.monitoring.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.instance.control.InstanceAdmin;
import io.shm.platform.Uuids;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/** {@code io.shm:type=Instances}, over {@link FleetCounts} and {@link InstanceAdmin}. */
@Dependent
public class InstancesJmx implements InstancesMXBean {

    /** What an operation does to an instance; false when there is no such instance. */
    @FunctionalInterface
    interface Change {
        boolean apply(UUID instanceId) throws SQLException;
    }

    @Inject
    FleetCounts fleet;

    @Inject
    ActiveWindow window;

    @Inject
    InstanceAdmin admin;

    @Inject
    Logger log;

    @Override
    public long getTotal() {
        return counts().total();
    }

    @Override
    public long getActive() {
        return counts().active();
    }

    @Override
    public long getPending() {
        return counts().pending();
    }

    @Override
    public long getRevoked() {
        return counts().revoked();
    }

    @Override
    public int getActiveDays() {
        return window.days();
    }

    @Override
    public Map<String, Long> getActiveByApplication() {
        return DatabaseCalls.call(log, "reading active instances by application", fleet::activeInstancesBySlug);
    }

    @Override
    public void revoke(String instanceId) {
        change(instanceId, "revoking", "revoked", admin::revoke);
    }

    @Override
    public void reactivate(String instanceId) {
        change(instanceId, "reactivating", "reactivated", admin::reactivate);
    }

    @Override
    public void delete(String instanceId) {
        change(instanceId, "deleting", "deleted", admin::delete);
    }

    private InstanceCounts counts() {
        return DatabaseCalls.call(log, "counting instances", () -> fleet.counts(null));
    }

    private void change(String instanceId, String doing, String done, Change change) {
        UUID id = instanceId(instanceId);
        if (!DatabaseCalls.call(log, doing + " instance " + id, () -> change.apply(id))) {
            throw new IllegalArgumentException("no instance " + id);
        }
        log.info(() -> "Instance " + id + " " + done + " through JMX");
    }

    /** An instance id as the admin API takes it: a UUID in its canonical form, in either case. */
    static UUID instanceId(String text) {
        String value = text == null ? "" : text.strip();
        Optional<UUID> id = Uuids.parseCanonical(value);
        if (id.isPresent()) {
            return id.get();
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        throw new IllegalArgumentException("not an instance id: '" + shown
                + "'; expected a UUID such as 123e4567-e89b-12d3-a456-426614174000");
    }
}

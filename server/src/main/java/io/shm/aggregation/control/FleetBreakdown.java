package io.shm.aggregation.control;

import io.shm.aggregation.entity.Distribution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an application's active instances run on and report as text: the distribution of OS/arch,
 * deployment mode and environment, and of every string or boolean key with few values (a key with
 * more, such as a host name, is no card).
 */
@ApplicationScoped
public class FleetBreakdown {

    /** Most values a key may have to be shown as a distribution. */
    public static final int FEW_VALUES = 8;

    @Inject
    FleetStatistics fleet;

    /** OS/arch, deployment mode and environment (when any instance says), then the string keys with few values. */
    public List<Distribution> distributions(long applicationId) throws SQLException {
        List<Distribution> cards = new ArrayList<>();
        for (Distribution distribution : fleet.metadataDistributions(applicationId, FEW_VALUES)) {
            if (!distribution.key().equals("app_version")) {
                cards.add(distribution);
            }
        }
        cards.sort((a, b) -> Integer.compare(order(a.key()), order(b.key())));
        for (Distribution distribution : fleet.valueDistributions(applicationId, FEW_VALUES)) {
            if (distribution.otherInstances() == 0) {
                cards.add(distribution);
            }
        }
        return cards;
    }

    private static int order(String metadata) {
        return List.of("os_arch", "deployment_mode", "environment").indexOf(metadata);
    }
}

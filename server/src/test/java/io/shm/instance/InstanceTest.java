package io.shm.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.application.entity.Application;
import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.instance.entity.InstanceStatus;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InstanceTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final InstanceMetadata V1 = new InstanceMetadata("1.0.0", "docker", "production", "linux/amd64");
    private static final InstanceMetadata V2 = new InstanceMetadata("2.0.0", "docker", "production", "linux/amd64");

    private static Instance newInstance() {
        byte[] key = new byte[32];
        key[31] = 7;
        return new Instance(UUID.randomUUID(), key, new Application("App", T0), V1, T0);
    }

    @Test
    void startsPendingAndBecomesActiveWhenActivated() {
        Instance instance = newInstance();
        assertEquals(InstanceStatus.PENDING, instance.getStatus());

        instance.activate(T0.plusSeconds(5));

        assertEquals(InstanceStatus.ACTIVE, instance.getStatus());
        assertEquals(T0.plusSeconds(5), instance.getLastSeen());
    }

    @Test
    void aPlainActivateOnlyArmsProposedMetadataForASnapshotToConfirm() {
        Instance instance = newInstance();
        instance.activate(T0);
        assertNull(instance.getPendingActivatedAt(), "nothing to arm");

        instance.proposeMetadata(V2);

        assertEquals(V1, instance.getMetadata());
        assertEquals(V2, instance.getPendingMetadata());
        instance.activate(T0.plusSeconds(60));
        assertEquals(V1, instance.getMetadata(), "a replayable activate alone changes nothing");
        assertEquals(V2, instance.getPendingMetadata());
        assertEquals(T0.plusSeconds(60), instance.getPendingActivatedAt());
        instance.proposeMetadata(V2);
        assertNull(instance.getPendingActivatedAt(), "a new proposal needs a new activate");
    }

    @Test
    void aSignedActivateAppliesAtOnceAndThenUnsignedProposalsAreIgnored() {
        Instance instance = newInstance();
        instance.proposeMetadata(new InstanceMetadata("9.9.9", null, null, null));

        InstanceMetadata before = instance.activateSigned(T0, T0, V2);

        assertEquals(V1, before);
        assertEquals(V2, instance.getMetadata());
        assertEquals(InstanceStatus.ACTIVE, instance.getStatus());
        assertNull(instance.getPendingMetadata());
        assertEquals(T0, instance.getSignedActivateAt());
        instance.proposeMetadata(new InstanceMetadata("6.6.6", null, null, null));
        assertNull(instance.getPendingMetadata(), "unsigned metadata is ignored after a signed activate");
        assertFalse(instance.acceptsSignedActivate(T0), "the same timestamp is a replay");
        assertThrows(IllegalStateException.class, () -> instance.activateSigned(T0, T0, V1));
        assertTrue(instance.acceptsSignedActivate(T0.plusMillis(1)));
    }

    @Test
    void proposingTheCurrentMetadataWithdrawsAPendingChange() {
        Instance instance = newInstance();
        instance.proposeMetadata(V2);

        instance.proposeMetadata(V1);

        assertNull(instance.getPendingMetadata());
    }

    @Test
    void aRevokedInstanceCannotBeActivatedUntilReactivated() {
        Instance instance = newInstance();
        instance.revoke();

        assertThrows(IllegalStateException.class, () -> instance.activate(T0));
        instance.reactivate();
        instance.activate(T0);
        assertEquals(InstanceStatus.ACTIVE, instance.getStatus());
    }

    @Test
    void lastSeenNeverGoesBackwards() {
        Instance instance = newInstance();
        instance.seen(T0.plusSeconds(100));

        instance.seen(T0.plusSeconds(50));

        assertEquals(T0.plusSeconds(100), instance.getLastSeen());
    }

    @Test
    void theKeyIsComparedByValueAndNotExposedForChange() {
        Instance instance = newInstance();
        byte[] copy = instance.getPublicKey();
        copy[0] = 42;

        assertFalse(instance.hasPublicKey(copy));
        assertTrue(instance.hasPublicKey(newInstance().getPublicKey()));
    }
}

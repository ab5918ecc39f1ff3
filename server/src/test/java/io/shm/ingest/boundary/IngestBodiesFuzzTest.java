package io.shm.ingest.boundary;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shm.application.entity.Application;
import io.shm.ingest.control.DefaultIngestLimits;
import io.shm.ingest.control.IngestLimits;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.platform.RefusedException;
import io.shm.signature.control.Ed25519Verifier;
import io.shm.signature.control.PublicKeys;
import io.shm.signature.control.SignatureInterceptor;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;

/**
 * Whatever bytes arrive as a register, activate or snapshot body, and whatever a client puts in the
 * signature and key fields, the checks that run before anything is stored either pass or refuse with
 * a {@link RefusedException} (a 4xx with its reason): any other exception would be a 500 caused by a
 * client. The checks are called in the order the resources call them. Seeds and regressions live in
 * {@code IngestBodiesFuzzTestInputs}; {@code mvn verify} fuzzes for a bounded time (the
 * {@code fuzz-ingest} execution), a plain test run replays the seeds.
 */
class IngestBodiesFuzzTest {

    private static final IngestLimits LIMITS = DefaultIngestLimits.create();
    private static final Ed25519Verifier VERIFIER = new Ed25519Verifier();

    @FuzzTest(maxDuration = "25s")
    void anyBodyIsAcceptedOrRefusedWithAReason(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 2);
        String signature = data.consumeString(140);
        String publicKey = data.consumeString(70);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            switch (kind) {
                case 0 -> register(body);
                case 1 -> LIMITS.parseObject(body);
                default -> snapshot(body);
            }
        } catch (RefusedException refused) {
            assertNotNull(refused.refusal().code());
        }
        // Header and key parsing never throws: a bad key or signature is a refusal decided by a boolean.
        PublicKeys.parseVerificationKey(publicKey).ifPresent(key -> VERIFIER.verify(key, signature, body));
        VERIFIER.verify(publicKey.getBytes(StandardCharsets.ISO_8859_1), signature, body);
        SignatureInterceptor.parseUuid(signature);
    }

    /** What {@link RegisterResource} checks before it registers anything. */
    private static void register(byte[] raw) {
        JsonObject body = LIMITS.parseObject(raw);
        if (SignatureInterceptor.parseUuid(IngestLimits.requiredString(body, "instance_id", 36)) == null) {
            return;
        }
        PublicKeys.parse(IngestLimits.requiredString(body, "public_key", 64));
        IngestLimits.requiredString(body, "app_name", Application.NAME_MAX);
        IngestLimits.requiredString(body, "app_version", InstanceMetadata.FIELD_MAX);
        IngestLimits.optionalString(body, "deployment_mode", InstanceMetadata.FIELD_MAX);
        IngestLimits.optionalString(body, "environment", InstanceMetadata.FIELD_MAX);
        IngestLimits.optionalString(body, "os_arch", InstanceMetadata.FIELD_MAX);
    }

    /** What {@link SnapshotResource} checks before it stores a snapshot. */
    private static void snapshot(byte[] raw) {
        JsonObject body = LIMITS.parseObject(raw);
        SignatureInterceptor.parseUuid(IngestLimits.requiredString(body, "instance_id", 36));
        SnapshotResource.parseTimestamp(IngestLimits.requiredString(body, "timestamp", 64));
        JsonValue metrics = body.get("metrics");
        if (metrics != null && metrics.getValueType() == JsonValue.ValueType.OBJECT) {
            LIMITS.checkMetrics(metrics.asJsonObject());
        }
    }
}

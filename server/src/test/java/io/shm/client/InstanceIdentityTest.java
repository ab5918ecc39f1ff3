package io.shm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import io.shm.testing.ProtocolVectors;
import io.shm.testing.ProtocolVectors.Instance;
import io.shm.testing.ProtocolVectors.SignedBody;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InstanceIdentityTest {

    private static final HexFormat HEX = HexFormat.of();

    private static ProtocolVectors vectors;
    private static Instance instanceA;

    @TempDir
    Path directory;

    @BeforeAll
    static void loadVectors() {
        vectors = ProtocolVectors.load();
        instanceA = vectors.instance("A");
    }

    static Stream<SignedBody> validSignedBodies() {
        return ProtocolVectors.load().valid().stream().filter(v -> v.signatureHex() != null);
    }

    @Test
    void seedOfInstanceAGivesItsPublicKey() {
        InstanceIdentity identity = fromVectors(instanceA);

        assertEquals(instanceA.publicKeyHex(), identity.publicKeyHex());
        assertEquals(instanceA.instanceId(), identity.instanceId());
    }

    @Test
    void seedOfEveryInstanceGivesItsPublicKey() {
        for (Instance instance : vectors.instances()) {
            assertEquals(instance.publicKeyHex(), fromVectors(instance).publicKeyHex(), instance.instanceId().toString());
        }
    }

    @ParameterizedTest
    @MethodSource("validSignedBodies")
    void signingWithTheSeedOfTheInstanceGivesExactlyTheSignatureOfTheVectors(SignedBody signed) {
        // Ed25519 is deterministic: the vectors' signature is the only right one.
        InstanceIdentity signer = fromVectors(vectors.instanceWithId(signed.instanceId()));

        assertEquals(signed.signatureHex(), signer.sign(signed.bodyBytes()), signed.what());
    }

    @Test
    void theImpersonationVectorIsSignedWithTheSeedOfInstanceB() {
        InstanceIdentity instanceB = fromVectors(vectors.instance("B"));

        long signedByB = vectors.invalid().stream()
                .filter(v -> v.signatureHex() != null)
                .filter(v -> instanceB.sign(v.bodyBytes()).equals(v.signatureHex()))
                .count();

        assertEquals(1, signedByB);
    }

    @Test
    void signatureIsLowerCaseHexOf64Bytes() {
        String signature = InstanceIdentity.generate().sign(new byte[0]);

        assertEquals(128, signature.length());
        assertEquals(signature.toLowerCase(Locale.ROOT), signature);
    }

    @Test
    void generatedIdentitiesDifferAndUseVersion4Uuids() {
        InstanceIdentity first = InstanceIdentity.generate();
        InstanceIdentity second = InstanceIdentity.generate();

        assertNotEquals(first.instanceId(), second.instanceId());
        assertNotEquals(first.publicKeyHex(), second.publicKeyHex());
        assertEquals(4, first.instanceId().version());
    }

    @Test
    void savedFileHasTheNodeSdkFormat() throws IOException {
        Path file = directory.resolve("identity.json");

        fromVectors(instanceA).save(file);

        JsonObject saved = Json.createReader(new StringReader(Files.readString(file))).readObject();
        assertEquals(Set.of("instanceId", "privateKey", "publicKey"), saved.keySet());
        assertEquals(instanceA.instanceId().toString(), saved.getString("instanceId"));
        assertEquals(instanceA.sdkPrivateKey(), saved.getString("privateKey"));
        assertEquals(instanceA.publicKeyHex(), saved.getString("publicKey"));
    }

    @Test
    void savingThenLoadingGivesTheSameIdentity() throws IOException {
        Path file = directory.resolve("nested/identity.json");
        InstanceIdentity original = InstanceIdentity.generate();

        original.save(file);
        InstanceIdentity loaded = InstanceIdentity.load(file);

        assertEquals(original.instanceId(), loaded.instanceId());
        assertArrayEquals(original.seed(), loaded.seed());
        assertEquals(original.publicKeyHex(), loaded.publicKeyHex());
        assertEquals(original.sign("{}".getBytes(StandardCharsets.UTF_8)), loaded.sign("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void savingReplacesAnEarlierFile() throws IOException {
        Path file = directory.resolve("identity.json");
        InstanceIdentity.generate().save(file);
        InstanceIdentity second = InstanceIdentity.generate();

        second.save(file);

        assertEquals(second.instanceId(), InstanceIdentity.load(file).instanceId());
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void savedFileIsReadableByItsOwnerOnly() throws IOException {
        assumeTrue(directory.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = directory.resolve("identity.json");

        InstanceIdentity.generate().save(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void fileWrittenByTheNodeSdkLoads() throws IOException {
        Path file = Files.writeString(directory.resolve("node.json"), nodeSdkFile(
                instanceA.instanceId().toString(), instanceA.sdkPrivateKey(), instanceA.publicKeyHex()));

        InstanceIdentity loaded = InstanceIdentity.load(file);

        assertEquals(instanceA.instanceId(), loaded.instanceId());
        assertEquals(instanceA.seedHex(), HEX.formatHex(loaded.seed()));
    }

    @Test
    void fileWithAPublicKeyOfAnotherSeedIsRefused() throws IOException {
        Instance instanceB = vectors.instance("B");
        Path file = Files.writeString(directory.resolve("swapped.json"), nodeSdkFile(
                instanceA.instanceId().toString(), instanceA.sdkPrivateKey(), instanceB.publicKeyHex()));

        assertThrows(IOException.class, () -> InstanceIdentity.load(file));
    }

    @Test
    void fileWhosePrivateKeyEndsWithAnotherPublicKeyIsRefused() throws IOException {
        Instance instanceB = vectors.instance("B");
        Path file = Files.writeString(directory.resolve("spliced.json"), nodeSdkFile(
                instanceA.instanceId().toString(), instanceA.seedHex() + instanceB.publicKeyHex(), instanceA.publicKeyHex()));

        assertThrows(IOException.class, () -> InstanceIdentity.load(file));
    }

    @Test
    void malformedFilesAreRefusedWithIOException() throws IOException {
        String id = instanceA.instanceId().toString();
        String privateKey = instanceA.sdkPrivateKey();
        String publicKey = instanceA.publicKeyHex();
        String[] malformed = {
                "",
                "[]",
                "{\"instanceId\":\"" + id + "\"",
                "{\"privateKey\":\"" + privateKey + "\",\"publicKey\":\"" + publicKey + "\"}",
                nodeSdkFile("1-2-3-4-5", privateKey, publicKey),
                nodeSdkFile("not a uuid", privateKey, publicKey),
                nodeSdkFile(id, privateKey.substring(0, 64), publicKey),
                nodeSdkFile(id, privateKey, publicKey.substring(2)),
                nodeSdkFile(id, "zz" + privateKey.substring(2), publicKey),
        };

        for (String content : malformed) {
            Path file = Files.writeString(directory.resolve("malformed.json"), content);
            assertThrows(IOException.class, () -> InstanceIdentity.load(file), content);
        }
    }

    @Test
    void descriptionNeverShowsTheSeed() {
        InstanceIdentity identity = fromVectors(instanceA);

        assertFalse(identity.toString().contains(instanceA.seedHex()));
    }

    private static InstanceIdentity fromVectors(Instance instance) {
        return InstanceIdentity.fromSeed(instance.instanceId(), HEX.parseHex(instance.seedHex()));
    }

    private static String nodeSdkFile(String instanceId, String privateKey, String publicKey) {
        return Json.createObjectBuilder()
                .add("instanceId", instanceId)
                .add("privateKey", privateKey)
                .add("publicKey", publicKey)
                .build()
                .toString();
    }
}

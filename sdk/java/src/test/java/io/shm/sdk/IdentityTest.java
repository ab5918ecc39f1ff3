package io.shm.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {

    private static final System.Logger LOG = System.getLogger("test");

    @TempDir
    Path dir;

    @Test
    void aNodeSdkFileIsReadAndSignsAsNodeCryptoDoes() throws IOException {
        // The vectors' instance A, in the file the Node.js SDK writes (JSON.stringify(identity, null, 2)).
        Map<String, Object> a = Vectors.instance("A");
        Path file = dir.resolve("ackify_shm_identity.json");
        Files.writeString(file, "{\n  \"instanceId\": \"" + a.get("instance_id") + "\",\n  \"privateKey\": \""
                + a.get("sdk_private_key") + "\",\n  \"publicKey\": \"" + a.get("public_key") + "\"\n}");

        Identity identity = Identity.read(file);

        assertEquals(UUID.fromString((String) a.get("instance_id")), identity.instanceId());
        assertEquals(a.get("public_key"), identity.publicKeyHex());
        assertEquals(a.get("sdk_private_key"), identity.privateKeyHex());
        Map<String, Object> activate = Vectors.list("valid").stream()
                .filter(v -> "/v1/activate".equals(v.get("path")) && a.get("instance_id").equals(v.get("instance_id")))
                .findFirst().orElseThrow();
        assertEquals(activate.get("signature"), identity.signHex(((String) activate.get("body")).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void filesMadeByNodeCryptoInTheNodeAndGoFormatsAreRead() throws IOException {
        for (String resource : List.of("node-identity.json", "go-identity.json")) {
            String json = resource(resource);
            Map<String, Object> fields = Json.readObject(json);
            Identity identity = Identity.parse(json);
            String id = (String) fields.getOrDefault("instanceId", fields.get("instance_id"));
            String pub = (String) fields.getOrDefault("publicKey", fields.get("public_key"));
            assertEquals(id, identity.instanceId().toString(), resource);
            assertEquals(pub, identity.publicKeyHex(), resource);
            byte[] body = "{\"action\":\"activate\"}".getBytes(StandardCharsets.UTF_8);
            assertTrue(Ed25519.verify(HexFormat.of().parseHex(pub), body, HexFormat.of().parseHex(identity.signHex(body))), resource);
        }
    }

    @Test
    void aGoFormatFileIsUsedAsItIsAndNotRewritten() throws IOException {
        Path file = dir.resolve("my-app_shm_identity.json");
        String go = resource("go-identity.json");
        Files.writeString(file, go);

        Identity identity = Identity.loadOrCreate(file, LOG);

        assertEquals(Json.readObject(go).get("instance_id"), identity.instanceId().toString());
        assertEquals(go, Files.readString(file));
    }

    @Test
    void aNewIdentityIsWrittenInTheNodeFormatForItsOwnerOnlyAndReadBack() throws IOException {
        Path file = dir.resolve("data/sub/my-app_shm_identity.json");

        Identity made = Identity.loadOrCreate(file, LOG);

        Map<String, Object> fields = Json.readObject(Files.readString(file));
        assertEquals(List.of("instanceId", "privateKey", "publicKey"), List.copyOf(fields.keySet()));
        assertEquals(made.instanceId().toString(), fields.get("instanceId"));
        assertEquals(128, ((String) fields.get("privateKey")).length());
        assertTrue(((String) fields.get("privateKey")).endsWith((String) fields.get("publicKey")));
        assertEquals(4, UUID.fromString((String) fields.get("instanceId")).version());
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }

        Identity again = Identity.loadOrCreate(file, LOG);
        assertEquals(made.instanceId(), again.instanceId());
        assertEquals(made.publicKeyHex(), again.publicKeyHex());
    }

    @Test
    void writingNeverReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("x_shm_identity.json");
        Identity.generate().writeNew(file);
        String before = Files.readString(file);
        assertThrows(FileAlreadyExistsException.class, () -> Identity.generate().writeNew(file));
        assertEquals(before, Files.readString(file));
    }

    @Test
    void anInvalidFileIsKeptAsideAndReplaced() throws IOException {
        Map<String, Object> a = Vectors.instance("A");
        Map<String, Object> b = Vectors.instance("B");
        Path file = dir.resolve("app_shm_identity.json");
        // A's private key with B's public key: a file that would sign as someone else.
        String mismatched = "{\"instanceId\":\"" + a.get("instance_id") + "\",\"privateKey\":\"" + a.get("sdk_private_key")
                + "\",\"publicKey\":\"" + b.get("public_key") + "\"}";
        Files.writeString(file, mismatched);

        Identity made = Identity.loadOrCreate(file, LOG);

        assertNotEquals(a.get("instance_id"), made.instanceId().toString());
        try (var listing = Files.list(dir)) {
            assertTrue(listing.anyMatch(p -> p.getFileName().toString().startsWith("app_shm_identity.json.invalid-")));
        }
        assertEquals(made.instanceId(), Identity.read(file).instanceId());
    }

    @Test
    void malformedFilesAreRefusedWithAReason() {
        for (String bad : List.of("{}", "[]", "{\"instanceId\":\"not-a-uuid\",\"privateKey\":\"00\",\"publicKey\":\"00\"}",
                "{\"instanceId\":\"550e8400-e29b-41d4-a716-446655440000\",\"privateKey\":\"zz\",\"publicKey\":\"00\"}",
                "{\"instanceId\":\"550e8400-e29b-41d4-a716-446655440000\",\"privateKey\":\"0011\",\"publicKey\":\"00\"}")) {
            assertThrows(IllegalArgumentException.class, () -> Identity.parse(bad), bad);
        }
    }

    @Test
    void theFileIsNamedAfterTheSlugTheOtherSdksUse() {
        assertEquals("my-app_shm_identity.json", Slug.identityFileName("My App"));
        assertEquals("cafe-creme", Slug.of("Café  Crème"));
        assertEquals("ackify-ce", Slug.of("__Ackify_CE--"));
        // Unlike the server's slug, other characters are dropped, not turned into '-'.
        assertEquals("cpuapp", Slug.of("cpu.app!"));
        assertEquals("app", Slug.of("漢字"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = IdentityTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

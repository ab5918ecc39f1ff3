package io.shm.sdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Who an instance is: its random id and its Ed25519 key pair, kept in a local file so that the
 * instance stays the same across restarts.
 * <p>
 * The file is written in the Node.js SDK's format ({@code instanceId}, {@code privateKey},
 * {@code publicKey}, hex; the private key is the 32-byte seed followed by the 32-byte public key),
 * so an application moving between SDKs keeps its identity. A file in the Go SDK's format
 * ({@code instance_id}, {@code private_key}, {@code public_key}, the same hex) is read too.
 */
public final class Identity {

    private static final HexFormat HEX = HexFormat.of();

    private final UUID instanceId;
    private final byte[] seed;
    private final byte[] publicKey;

    private Identity(UUID instanceId, byte[] seed, byte[] publicKey) {
        this.instanceId = instanceId;
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** A new identity: a random (version 4) id and a new key pair. */
    public static Identity generate() {
        byte[] seed = Ed25519.newSeed();
        return new Identity(UUID.randomUUID(), seed, Ed25519.publicKeyOf(seed));
    }

    /** The identity of a known id and seed; the public key is derived from the seed. */
    public static Identity of(UUID instanceId, byte[] seed) {
        Objects.requireNonNull(instanceId, "instanceId");
        return new Identity(instanceId, seed.clone(), Ed25519.publicKeyOf(seed));
    }

    /**
     * Reads an identity file in the Node.js or the Go SDK's format.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is not a valid identity (bad JSON, a missing field,
     *         a key of the wrong length, or a public key that does not belong to the private key)
     */
    public static Identity read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static Identity parse(String json) {
        Map<String, Object> fields = Json.readObject(json);
        String id = field(fields, "instanceId", "instance_id");
        String privateKey = field(fields, "privateKey", "private_key");
        String publicKey = field(fields, "publicKey", "public_key");
        UUID instanceId = UUID.fromString(id);
        byte[] secret = hex(privateKey, "private key");
        // Seed then public key (both SDKs); a bare 32-byte seed is accepted as well.
        if (secret.length != 64 && secret.length != 32) {
            throw new IllegalArgumentException("The private key must be 32 or 64 bytes of hex, not " + secret.length);
        }
        byte[] seed = java.util.Arrays.copyOf(secret, 32);
        byte[] derived = Ed25519.publicKeyOf(seed);
        byte[] stated = hex(publicKey, "public key");
        if (!java.util.Arrays.equals(derived, stated)
                || (secret.length == 64 && !java.util.Arrays.equals(derived, java.util.Arrays.copyOfRange(secret, 32, 64)))) {
            throw new IllegalArgumentException("The public key does not belong to the private key");
        }
        return new Identity(instanceId, seed, derived);
    }

    /**
     * The identity kept in {@code file}: read when the file exists and is valid, otherwise made and
     * written there. An invalid file is kept beside it ({@code .invalid-<time>}) for inspection,
     * never silently overwritten.
     */
    static Identity loadOrCreate(Path file, System.Logger log) throws IOException {
        if (Files.exists(file)) {
            try {
                return read(file);
            } catch (IllegalArgumentException invalid) {
                Path aside = file.resolveSibling(file.getFileName() + ".invalid-" + Instant.now().toEpochMilli());
                log.log(System.Logger.Level.WARNING, "The identity file " + file + " is not valid (" + invalid.getMessage()
                        + "); it is kept as " + aside + " and a new identity is made");
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Identity made = generate();
        try {
            made.writeNew(file);
            return made;
        } catch (FileAlreadyExistsException raced) {
            // Another process of the same application made one first: use that one.
            return read(file);
        }
    }

    /**
     * Writes this identity to a file that must not exist yet, readable by its owner only. The file
     * appears whole or not at all: written under a temporary name, then linked into place.
     *
     * @throws FileAlreadyExistsException when the file exists
     */
    public void writeNew(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = createOwnerOnly(dir);
        try {
            Files.writeString(temp, toNodeJson(), StandardCharsets.UTF_8);
            try {
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (noLinks instanceof FileAlreadyExistsException) {
                    throw noLinks;
                }
                if (Files.exists(file)) {
                    throw new FileAlreadyExistsException(file.toString());
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path createOwnerOnly(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return Files.createTempFile(dir, ".shm_identity", ".tmp", ownerOnly);
        }
        Path temp = Files.createTempFile(dir, ".shm_identity", ".tmp");
        java.io.File file = temp.toFile();
        // Without POSIX permissions (Windows), take read and write away from everyone but the owner.
        boolean restricted = file.setReadable(false, false) & file.setReadable(true, true)
                & file.setWritable(false, false) & file.setWritable(true, true);
        if (!restricted) {
            System.getLogger(Identity.class.getName()).log(System.Logger.Level.DEBUG,
                    "Could not restrict the permissions of " + temp);
        }
        return temp;
    }

    /** The Node.js SDK's file format. */
    String toNodeJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("instanceId", instanceId.toString());
        fields.put("privateKey", privateKeyHex());
        fields.put("publicKey", publicKeyHex());
        return Json.write(fields);
    }

    public UUID instanceId() {
        return instanceId;
    }

    /** The raw 32-byte public key as lowercase hex, as it travels in a register. */
    public String publicKeyHex() {
        return HEX.formatHex(publicKey);
    }

    /** The seed followed by the public key, as lowercase hex (the SDKs' private key). */
    String privateKeyHex() {
        return HEX.formatHex(seed) + HEX.formatHex(publicKey);
    }

    /** The signature of these exact bytes, as lowercase hex (the {@code X-Signature} header). */
    public String signHex(byte[] body) {
        return HEX.formatHex(Ed25519.sign(seed, body));
    }

    @Override
    public String toString() {
        return "Identity[" + instanceId + ", public key " + publicKeyHex() + "]";
    }

    private static String field(Map<String, Object> fields, String nodeName, String goName) {
        Object value = fields.containsKey(nodeName) ? fields.get(nodeName) : fields.get(goName);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("Missing " + nodeName + " (or " + goName + ")");
        }
        return text.trim();
    }

    private static byte[] hex(String text, String what) {
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The " + what + " is not hex");
        }
    }
}

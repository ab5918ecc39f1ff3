package io.shm.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The server JVM's application class-data archive (AppCDS, a dynamic archive of JDK 17): the classes
 * Payara Micro and the WAR load at boot, parsed and verified once and mapped from this file at every
 * later start. Measured with the footprint benchmark, it takes about a quarter off the boot's main
 * thread (class loading and linking); it costs about 100 MiB of disk in the data folder.
 *
 * <p>The first start records the archive when its JVM exits ({@code -XX:ArchiveClassesAtExit}, a few
 * seconds at the stop), under a temporary name that the launcher renames once the JVM is gone: a JVM
 * killed while writing leaves no archive, only a file deleted at the next start. The archive's name
 * holds a digest of the JVM and of the jars it was made from: another JDK or a new build of the
 * server records a new one (and deletes the old). The JVM checks the archive too and starts without it,
 * silently, when it does not match. Its logging of the archive is off: it would fill the console.
 */
final class ClassDataArchive {

    static final String SUFFIX = ".jsa";
    private static final String RECORDING = ".recording";
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path directory;
    private final Path archive;
    private final Path recording;

    private ClassDataArchive(Path directory, String name) {
        this.directory = directory;
        this.archive = directory.resolve(name + SUFFIX);
        this.recording = directory.resolve(name + SUFFIX + RECORDING);
    }

    /** The archive for this JVM and for the jars of {@code installation} (shm.jar, shm.war, lib/). */
    static ClassDataArchive of(Path directory, Path installation) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        digest.update((System.getProperty("java.home") + '\n' + System.getProperty("java.vm.version") + '\n')
                .getBytes(StandardCharsets.UTF_8));
        for (Path jar : List.of(installation.resolve("shm.jar"), installation.resolve("shm.war"),
                installation.resolve("lib").resolve("payara-micro.jar"))) {
            if (Files.exists(jar)) {
                digest.update((jar.getFileName() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + '\n')
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        return new ClassDataArchive(directory, "server-" + HexFormat.of().formatHex(digest.digest(), 0, 8));
    }

    /**
     * The JVM options that use the archive, or record it when there is none yet; files of other
     * builds and unfinished recordings are deleted.
     */
    List<String> javaOptions() throws IOException {
        Files.createDirectories(directory);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if ((name.endsWith(SUFFIX) || name.endsWith(SUFFIX + RECORDING)) && !file.equals(archive)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        String option = Files.isRegularFile(archive)
                ? "-XX:SharedArchiveFile=" + archive
                : "-XX:ArchiveClassesAtExit=" + recording;
        return Stream.concat(Stream.of(option), QUIET.stream()).toList();
    }

    /** After the JVM has exited: a finished recording becomes the archive of the next start. */
    void recorded() throws IOException {
        if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
            Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Whether the options name the class-data archive already: the operator's choice then stands. */
    static boolean chosenIn(List<String> javaOptions) {
        return javaOptions.stream().anyMatch(option -> option.startsWith("-Xshare")
                || option.startsWith("-XX:SharedArchiveFile") || option.startsWith("-XX:ArchiveClassesAtExit"));
    }
}

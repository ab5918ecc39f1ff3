package io.shm.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What tests and benchmarks take from the machine they run on: a free port, a folder to start afresh,
 * a file of the repository.
 */
public final class LocalMachine {

    private LocalMachine() {
    }

    /** A TCP port nothing listens on now, on any address (loopback included). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Deletes the folder and everything in it; nothing happens when it does not exist. */
    public static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * A file at the top of the repository ({@code server-config/...}, {@code liquibase/...}), whether the
     * test runs in a module's folder (as Maven runs it) or at the top.
     */
    public static Path repositoryFile(String path) {
        Path here = Path.of("").toAbsolutePath();
        for (Path folder = here; folder != null; folder = folder.getParent()) {
            if (Files.exists(folder.resolve(path)) && Files.isDirectory(folder.resolve("server"))) {
                return folder.resolve(path);
            }
        }
        throw new IllegalStateException(path + " not found in " + here + " or a folder above it");
    }
}

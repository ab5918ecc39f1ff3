package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a newcomer runs it: {@code java -jar target/shm.jar} with no database
 * configured starts an embedded PostgreSQL and the server; SIGTERM stops both, leaving nothing
 * running; a second start on the same data folder works and still has the data. Prints the times to
 * healthy and the resident memory at idle.
 */
class LauncherIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(3);

    @Test
    void startsStopsCleanlyAndRestartsOnTheSameDataFolder() throws Exception {
        Path dataDir = Path.of("target", "launcher-it").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        int port = LocalMachine.freePort();
        InstanceIdentity identity = InstanceIdentity.generate();

        try (Server first = Server.start(dataDir, port)) {
            System.out.printf("[launcher] first start: healthy after %.1f s; resident memory at idle %d MiB%n",
                    first.readySeconds, first.residentMiB());
            ShmClient client = new ShmClient(URI.create("http://localhost:" + port), identity, Http.client());
            assertEquals(201, client.register("Launcher App", "1.0.0", null, null, null).status());
            assertTrue(first.payaraCommandLine().contains("--disablephonehome"),
                    "Payara Micro reports to nobody: " + first.payaraCommandLine());
            first.terminate();
        }
        assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "PostgreSQL stopped");

        try (Server second = Server.start(dataDir, port)) {
            System.out.printf("[launcher] restart: healthy after %.1f s%n", second.readySeconds);
            ShmClient client = new ShmClient(URI.create("http://localhost:" + port), identity, Http.client());
            assertEquals(200, client.register("Launcher App", "1.0.0", null, null, null).status(), "the data survived");
            second.terminate();
        }
    }

    /** One {@code java -jar target/shm.jar}. */
    private static final class Server implements AutoCloseable {
        private final Process process;
        private final double readySeconds;

        private Server(Process process, double readySeconds) {
            this.process = process;
            this.readySeconds = readySeconds;
        }

        static Server start(Path dataDir, int port) throws Exception {
            Path jar = Path.of(System.getProperty("shm.launcher.jar", "target/shm.jar"));
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                    .redirectErrorStream(true);
            Path log = Path.of("target", "launcher-it.log");
            builder.environment().remove("SHM_DB_URL");
            builder.environment().put("SHM_DATA_DIR", dataDir.toString());
            builder.environment().put("SHM_PORT", Integer.toString(port));
            long started = System.nanoTime();
            Process process = builder.start();
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                     var copy = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                             java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
                    for (String line; (line = out.readLine()) != null; ) {
                        copy.write(line);
                        copy.newLine();
                        copy.flush();
                        if (line.contains("[shm launcher]")) {
                            System.out.println(line);
                        }
                        if (line.contains("SHM server is ready at http://localhost:" + port + "/")) {
                            ready.complete(true);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                ready.complete(false);
            }, "launcher-output");
            pump.setDaemon(true);
            pump.start();
            Server server = new Server(process, 0);
            try {
                assertTrue(ready.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS), "the launcher said it is ready");
            } catch (Exception | AssertionError e) {
                server.close();
                throw e;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(200, Http.get(new java.net.URL("http://localhost:" + port + "/"), "api/v1/healthcheck").statusCode());
            return new Server(process, seconds);
        }

        long residentMiB() throws IOException {
            long kib = 0;
            for (ProcessHandle handle : List.of(process.toHandle())) {
                kib += rssKib(handle.pid());
                for (ProcessHandle child : handle.descendants().toList()) {
                    kib += rssKib(child.pid());
                }
            }
            return kib / 1024;
        }

        private static long rssKib(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // not on Linux, or the process ended
            }
            return 0;
        }

        /** The command line of the Payara Micro child (empty when the system does not show it). */
        String payaraCommandLine() {
            return process.descendants()
                    .map(child -> child.info().commandLine().orElse(""))
                    .filter(line -> line.contains("payara-micro"))
                    .findFirst().orElse("");
        }

        /** SIGTERM, as a service manager or Ctrl-C sends it; both processes must be gone within seconds. */
        void terminate() throws InterruptedException {
            List<ProcessHandle> tree = process.descendants().toList();
            long started = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher exits after SIGTERM");
            for (ProcessHandle child : tree) {
                child.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                assertFalse(child.isAlive(), "no child left running: " + child.info().command().orElse("?"));
            }
            System.out.printf("[launcher] stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}

package io.shm.launcher;

import fish.payara.micro.boot.PayaraMicroBoot;
import fish.payara.micro.boot.PayaraMicroLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Payara Micro in this JVM, through its bootstrap API: {@code PayaraMicroLauncher.create(args)} takes
 * the command-line options of {@code java -jar payara-micro.jar} (so SHM_PAYARA_OPTS, pre-boot command
 * files and the rest mean what they always meant), boots the server from its nested jars and deploys
 * the WAR before it returns.
 */
final class PayaraServer {

    private final PayaraMicroBoot boot;

    private PayaraServer(PayaraMicroBoot boot) {
        this.boot = boot;
    }

    /** Boots and deploys; a failure to boot (the port taken, an invalid option) is thrown. */
    static PayaraServer boot(List<String> arguments) throws Exception {
        return new PayaraServer(PayaraMicroLauncher.create(arguments.toArray(String[]::new)));
    }

    /**
     * Makes a restart boot as the first start did. Payara Micro writes the applications it deployed into
     * its root folder's domain.xml and deploys them again from there at the next boot; {@code --deploy}
     * then deploys the WAR a second time over the first (twice the work, and the server answers between
     * the two). Its configuration is made anew from the defaults and the boot options when the file is
     * missing; the unpacked runtime beside it is kept.
     */
    static void forgetLastRun(Path rootDirectory) throws IOException {
        Path config = rootDirectory.resolve("config");
        Files.deleteIfExists(config.resolve("domain.xml"));
        Files.deleteIfExists(config.resolve("domain.xml.bak"));
        Folders.deleteRecursively(rootDirectory.resolve("applications"));
        Folders.deleteRecursively(rootDirectory.resolve("generated"));
    }

    /** The applications Payara Micro deployed: empty when the WAR failed to deploy. */
    Collection<String> deployedApplications() {
        return boot.getRuntime().getDeployedApplicationNames();
    }

    /** Undeploys and stops the server; its HTTP port is closed when this returns. */
    void shutdown() throws Exception {
        try {
            boot.getRuntime().shutdown();
        } catch (IllegalStateException notRunning) {
            // On SIGTERM or Ctrl-C Payara Micro's own shutdown hook may have stopped it first.
        }
    }
}

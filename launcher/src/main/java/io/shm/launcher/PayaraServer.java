package io.shm.launcher;

import fish.payara.micro.boot.PayaraMicroBoot;
import fish.payara.micro.boot.PayaraMicroLauncher;
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

    /** The applications Payara Micro deployed: empty when the WAR failed to deploy. */
    Collection<String> deployedApplications() {
        return boot.getRuntime().getDeployedApplicationNames();
    }

    /** Undeploys and stops the server; its HTTP port is closed when this returns. */
    void shutdown() throws Exception {
        boot.getRuntime().shutdown();
    }
}

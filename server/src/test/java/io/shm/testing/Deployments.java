package io.shm.testing;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that integration tests deploy: the one {@code mvn package} built, exactly as users get it. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive shmWar() {
        File war = new File(System.getProperty("shm.war", "target/shm.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: integration tests run after 'mvn package'");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}

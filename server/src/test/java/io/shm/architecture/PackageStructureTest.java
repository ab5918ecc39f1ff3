package io.shm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's structure, read from its compiled classes: features ({@code io.shm.ingest},
 * {@code io.shm.instance}, ...) depend on each other in one direction only, and inside a feature
 * {@code control} and {@code entity} never reach for a {@code boundary}. A feature that needs to tell
 * another one something fires a CDI event instead of calling into it.
 */
class PackageStructureTest {

    private static JavaClasses server;

    @BeforeAll
    static void importServerClasses() {
        // The module's own compiled classes only: the WAR's code, not its tests nor its libraries.
        server = new ClassFileImporter().importPath(Path.of("target", "classes"));
    }

    @Test
    void noCycleBetweenFeatures() {
        slices().matching("io.shm.(*)..").should().beFreeOfCycles().check(server);
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("io.shm.(**)").should().beFreeOfCycles().check(server);
    }

    @Test
    void controlAndEntityNeverDependOnABoundary() {
        noClasses().that().resideInAnyPackage("..control..", "..entity..")
                .should().dependOnClassesThat().resideInAPackage("..boundary..")
                .check(server);
    }

    @Test
    void thePlatformDependsOnNoFeature() {
        noClasses().that().resideInAPackage("io.shm.platform..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.shm.admin..", "io.shm.aggregation..", "io.shm.application..", "io.shm.badge..",
                        "io.shm.dashboard..", "io.shm.ingest..", "io.shm.instance..", "io.shm.monitoring..",
                        "io.shm.persistence..", "io.shm.ratelimit..", "io.shm.retention..", "io.shm.security..",
                        "io.shm.signature..")
                .check(server);
    }
}

package io.shm.persistence.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ChangelogDigestTest {

    private static final ClassLoader LOADER = ChangelogDigestTest.class.getClassLoader();

    @Test
    void theFastPathRunsExactlyTheChangeSetsMarkedRunAlways() throws Exception {
        String changelog = new String(resource(SchemaMigration.CHANGELOG), StandardCharsets.UTF_8);
        Matcher include = Pattern.compile("<include file=\"([^\"]+)\"").matcher(changelog);
        List<String> runAlways = new ArrayList<>();
        while (include.find()) {
            Document file = parse(resource("liquibase/" + include.group(1)));
            NodeList changeSets = file.getElementsByTagName("changeSet");
            for (int i = 0; i < changeSets.getLength(); i++) {
                Element changeSet = (Element) changeSets.item(i);
                if ("true".equals(changeSet.getAttribute("runAlways"))) {
                    String sql = changeSet.getElementsByTagName("sql").item(0).getTextContent().strip();
                    runAlways.add(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
                }
            }
        }
        assertEquals(runAlways, ChangelogDigest.RUN_ALWAYS);
    }

    @Test
    void theDigestChangesWithAnyIncludedFileAndIsAbsentForIncludesItDoesNotFollow(@TempDir Path folder) throws Exception {
        Path liquibase = Files.createDirectories(folder.resolve("liquibase/changes"));
        Files.writeString(folder.resolve("liquibase/changelog.xml"), """
                <databaseChangeLog>
                    <include file="changes/a.xml" relativeToChangelogFile="true"/>
                </databaseChangeLog>""");
        Files.writeString(liquibase.resolve("a.xml"), "<databaseChangeLog/>");
        Optional<String> first = digest(folder);
        assertTrue(first.isPresent());
        assertEquals(first, digest(folder), "the same files, the same digest");

        Files.writeString(liquibase.resolve("a.xml"), "<databaseChangeLog><!-- edited --></databaseChangeLog>");
        Optional<String> edited = digest(folder);
        assertTrue(edited.isPresent());
        assertNotEquals(first, edited, "an included file changed");

        Files.writeString(folder.resolve("liquibase/changelog.xml"), """
                <databaseChangeLog>
                    <include file="changes/a.xml" relativeToChangelogFile="true"/>
                    <includeAll path="changes/"/>
                </databaseChangeLog>""");
        assertEquals(Optional.empty(), digest(folder), "includeAll is not followed: Liquibase must run");

        Files.writeString(folder.resolve("liquibase/changelog.xml"), """
                <databaseChangeLog>
                    <include file="changes/missing.xml" relativeToChangelogFile="true"/>
                </databaseChangeLog>""");
        assertEquals(Optional.empty(), digest(folder), "a missing file: Liquibase must run (and say so)");
    }

    @Test
    void theServersChangelogHasADigest() {
        assertTrue(ChangelogDigest.of(LOADER, SchemaMigration.CHANGELOG).isPresent());
    }

    private static Optional<String> digest(Path folder) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {folder.toUri().toURL()}, null)) {
            return ChangelogDigest.of(loader, "liquibase/changelog.xml");
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = LOADER.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException(path + " is not on the class path");
            }
            return in.readAllBytes();
        }
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
    }
}

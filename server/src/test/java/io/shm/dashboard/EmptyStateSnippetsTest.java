package io.shm.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.sdk.ShmReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The snippets the dashboard shows before any instance has reported: well-formed Facelets, plain text
 * that EL leaves alone, and calls that exist in the clients they name.
 */
class EmptyStateSnippetsTest {

    private static final Path TEMPLATE = Path.of("src/main/webapp/WEB-INF/templates/empty.xhtml");

    @Test
    void everyClientHasASnippetWithTheServersAddress() throws Exception {
        Map<String, String> snippets = snippets();

        assertEquals(java.util.List.of("snippet-java", "snippet-node", "snippet-go", "snippet-command"),
                java.util.List.copyOf(snippets.keySet()));
        String address = "#{request.scheme}://#{request.serverName}:#{request.serverPort}";
        snippets.forEach((id, text) -> {
            assertTrue(text.contains(address), id + " names this server");
            // Only the address is an EL expression; "${" would be evaluated too.
            assertEquals(3, text.split("#\\{", -1).length - 1, id);
            assertFalse(text.contains("${"), id);
        });
    }

    @Test
    void theJavaSnippetUsesTheSdksRealApi() throws Exception {
        String java = snippets().get("snippet-java");
        assertTrue(java.contains("import io.shm.sdk.ShmReporter;"));
        assertTrue(java.contains("ShmReporter.builder("));
        assertTrue(java.contains(".metrics(() -> Map.of("), "escaped in the page, plain in the text");
        ShmReporter.class.getMethod("builder", String.class, String.class, String.class);
        ShmReporter.Builder.class.getMethod("metrics", Supplier.class);
        ShmReporter.Builder.class.getMethod("build");
        assertEquals(ShmReporter.Running.class, ShmReporter.class.getMethod("start").getReturnType());
        ShmReporter.Running.class.getMethod("close");
        // The snippet's defaults are the SDK's.
        assertEquals(Duration.ofHours(1), ShmReporter.DEFAULT_INTERVAL);
    }

    @Test
    void theOtherSnippetsUseTheOriginalClientsApis() throws Exception {
        Map<String, String> snippets = snippets();
        String node = snippets.get("snippet-node");
        assertTrue(node.contains("import { SHMClient } from '@btouchard/shm-sdk';"));
        assertTrue(node.contains("serverUrl:") && node.contains("appName:") && node.contains("appVersion:"));
        assertTrue(node.contains("telemetry.setProvider(() => ({"));
        String go = snippets.get("snippet-go");
        assertTrue(go.contains("import shm \"github.com/btouchard/shm/sdk/golang\""));
        assertTrue(go.contains("shm.New(shm.Config{") && go.contains("Enabled:              true"));
        assertTrue(go.contains("go client.Start(context.Background())"));
        String command = snippets.get("snippet-command");
        assertTrue(command.contains("java -jar shm-client.jar --server "));
        for (String option : new String[] {"--app ", "--app-version ", "--data-dir ", "--metric "}) {
            assertTrue(command.contains(option), option);
        }
    }

    @Test
    void itsTextsExistInEnglishAndFrench() {
        for (Locale locale : new Locale[] {Locale.ENGLISH, Locale.FRENCH}) {
            ResourceBundle bundle = ResourceBundle.getBundle("io.shm.dashboard.messages", locale);
            for (String key : new String[] {"empty.title", "empty.text", "empty.java", "empty.node", "empty.go",
                    "empty.command", "empty.docs"}) {
                assertFalse(bundle.getString(key).isBlank(), key + " " + locale);
            }
            assertTrue(bundle.getString("empty.docs").contains("sdk/java/README.md"), locale.toString());
        }
        assertEquals("Ligne de commande", ResourceBundle.getBundle("io.shm.dashboard.messages", Locale.FRENCH)
                .getString("empty.command"));
    }

    /** The text of each snippet by id, as the browser shows it (entities resolved). */
    private static Map<String, String> snippets() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document page = factory.newDocumentBuilder().parse(TEMPLATE.toFile());
        NodeList pres = page.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "pre");
        Map<String, String> snippets = new LinkedHashMap<>();
        for (int i = 0; i < pres.getLength(); i++) {
            Element pre = (Element) pres.item(i);
            snippets.put(pre.getAttribute("id"), pre.getTextContent());
        }
        return snippets;
    }
}

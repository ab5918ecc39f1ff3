package io.shm.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.tags.Tag;

/**
 * Makes the generated {@code /openapi} document valid OpenAPI where Payara's scanner does not: a
 * JAX-RS path template keeps its regular expression ({@code {key: .+}} becomes {@code {key}}), and each
 * {@code @Tag} on a resource adds the tag once more to the document's list (only the first, described
 * in {@code META-INF/openapi.yaml}, is kept). An operation that takes its body as raw bytes, which the
 * scanner cannot see, gets the request body of {@code META-INF/openapi.yaml} named after its operation id.
 * Registered by {@code mp.openapi.filter}.
 */
public class OpenApiCleanup implements OASFilter {

    private static final Pattern TEMPLATE_REGEX = Pattern.compile("\\{\\s*(\\w+)\\s*:[^}]*}");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Paths paths = openAPI.getPaths();
        if (paths != null && paths.getPathItems() != null) {
            Map<String, PathItem> renamed = new LinkedHashMap<>();
            paths.getPathItems().forEach((path, item) -> renamed.put(withoutRegex(path), item));
            new ArrayList<>(paths.getPathItems().keySet()).forEach(paths::removePathItem);
            renamed.forEach(paths::addPathItem);
        }
        Map<String, RequestBody> bodies = openAPI.getComponents() == null ? null : openAPI.getComponents().getRequestBodies();
        if (paths != null && paths.getPathItems() != null && bodies != null) {
            paths.getPathItems().values().forEach(item -> item.getOperations().values().forEach(operation -> {
                if (operation.getRequestBody() == null && bodies.containsKey(operation.getOperationId())) {
                    operation.setRequestBody(OASFactory.createRequestBody()
                            .ref("#/components/requestBodies/" + operation.getOperationId()));
                }
            }));
        }
        if (openAPI.getTags() != null) {
            Map<String, Tag> unique = new LinkedHashMap<>();
            openAPI.getTags().forEach(tag -> unique.putIfAbsent(tag.getName(), tag));
            openAPI.setTags(new ArrayList<>(unique.values()));
        }
    }

    static String withoutRegex(String path) {
        return TEMPLATE_REGEX.matcher(path).replaceAll("{$1}");
    }
}

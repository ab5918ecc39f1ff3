package io.shm.ingest.boundary;

import io.shm.ingest.control.IngestLimits;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.signature.control.IngestRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an ingest request's body once, as raw bytes and within the size limit (also when it comes
 * chunked, without a Content-Length), checks that it is JSON, and keeps it with the signature
 * headers in {@link IngestRequest} for the signature interceptor and the resource.
 */
@Provider
@ApplicationScoped
public class IngestRequestFilter implements ContainerRequestFilter {

    static final String INSTANCE_ID = "X-Instance-ID";
    static final String SIGNATURE = "X-Signature";

    @Inject
    IngestRequest request;

    @Inject
    IngestLimits limits;

    @Override
    public void filter(ContainerRequestContext context) throws IOException {
        if (!HttpMethod.POST.equals(context.getMethod())) {
            return;
        }
        if (!isJson(context.getMediaType())) {
            throw new RefusedException(Refusal.UNSUPPORTED_MEDIA_TYPE);
        }
        int max = limits.maxBodyBytes();
        String declared = context.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && isLargerThan(declared, max)) {
            throw new RefusedException(Refusal.BODY_TOO_LARGE, "at most " + max + " bytes");
        }
        byte[] body = readAtMost(context.getEntityStream(), max);
        context.setEntityStream(new ByteArrayInputStream(body));
        request.received(body, context.getHeaderString(INSTANCE_ID), context.getHeaderString(SIGNATURE));
    }

    private static boolean isJson(MediaType type) {
        return type != null
                && (MediaType.APPLICATION_JSON_TYPE.isCompatible(type) && !type.isWildcardType() && !type.isWildcardSubtype()
                || "application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
    }

    private static boolean isLargerThan(String contentLength, int max) {
        try {
            return Long.parseLong(contentLength.trim()) > max;
        } catch (NumberFormatException e) {
            return false; // the container refuses a malformed Content-Length itself
        }
    }

    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buffer = new byte[8192];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > max) {
                throw new RefusedException(Refusal.BODY_TOO_LARGE, "at most " + max + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}

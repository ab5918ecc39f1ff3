package io.shm.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the server answered, whatever the status: the client leaves judging it to its caller.
 *
 * @param headers as {@link java.net.http.HttpHeaders#map()} gives them: names compare without case
 */
public record ShmResponse(int status, String body, Map<String, List<String>> headers) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}

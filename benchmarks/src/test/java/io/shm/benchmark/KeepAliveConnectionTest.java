package io.shm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator's HTTP/1.1 transport against canned answers on loopback: how it finds the end
 * of an answer decides whether the next request on the connection reads its own.
 */
class KeepAliveConnectionTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> connectionsOfRequests = new CopyOnWriteArrayList<>();
    private ServerSocket listener;
    private Thread server;

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
            server.join(5_000);
        }
    }

    @Test
    void keepsTheRetryAfterOfTheLastAnswerOnly() throws Exception {
        URI uri = serve(n -> n == 0
                ? "HTTP/1.1 429 Too Many Requests\r\nretry-after: 37\r\nContent-Length: 0\r\n\r\n"
                : "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", Integer.MAX_VALUE);
        try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
            assertEquals(429, connection.post("/v1/register", Map.of(), body(0)));
            assertEquals("37", connection.retryAfter());
            assertEquals(202, connection.post("/v1/register", Map.of(), body(1)));
            assertEquals(null, connection.retryAfter());
        }
    }

    @Test
    void readsAnswersWithALengthAndChunkedOnesOnOneConnection() throws Exception {
        URI uri = serve(n -> switch (n % 2) {
            case 0 -> "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}";
            default -> "HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{\"a\":\r\n3\r\n\"b\"\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n";
        }, Integer.MAX_VALUE);
        try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
            for (int i = 0; i < 6; i++) {
                assertEquals(i % 2 == 0 ? 202 : 409, connection.post("/v1/snapshot", Map.of("X-Signature", "ab"), body(i)));
            }
        }
        assertEquals(List.of(0, 0, 0, 0, 0, 0), connectionsOfRequests, "all on the first connection");
        assertTrue(requests.get(0).startsWith("POST /shm/v1/snapshot HTTP/1.1\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\r\nX-Signature: ab\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\r\nContent-Length: 9\r\n\r\n{\"n\":\"0\"}"), requests.get(0));
    }

    @Test
    void opensANewConnectionAfterTheServerSaysClose() throws Exception {
        URI uri = serve(n -> "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 1);
        try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
            assertEquals(202, connection.post("/v1/snapshot", Map.of(), body(0)));
            assertEquals(202, connection.post("/v1/snapshot", Map.of(), body(1)));
        }
        assertEquals(List.of(0, 1), connectionsOfRequests);
    }

    @Test
    void sendsOnceMoreWhenAnIdleConnectionWasClosedBeforeAnyAnswer() throws Exception {
        // The server answers one request per connection, then closes it without saying so.
        URI uri = serve(n -> "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", 1);
        try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
            assertEquals(202, connection.post("/v1/snapshot", Map.of(), body(0)));
            Thread.sleep(100);
            assertEquals(202, connection.post("/v1/snapshot", Map.of(), body(1)));
        }
        assertEquals(List.of(0, 1), connectionsOfRequests, "the second request went on a new connection");
    }

    @Test
    void anAnswerCutShortIsAnError() throws Exception {
        URI uri = serve(n -> "HTTP/1.1 202 Accepted\r\nContent-Length: 50\r\n\r\n{\"status\"", 1);
        try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
            assertThrows(IOException.class, () -> connection.post("/v1/snapshot", Map.of(), body(0)));
        }
    }

    private static byte[] body(int n) {
        return ("{\"n\":\"" + n + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Answers each request with {@code answers.apply(number of the request)} and closes a connection
     * after {@code perConnection} answers; records each request with the number of its connection.
     */
    private URI serve(IntFunction<String> answers, int perConnection) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = new Thread(() -> {
            int request = 0;
            for (int connection = 0; !listener.isClosed(); connection++) {
                try (Socket socket = listener.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream out = socket.getOutputStream();
                    for (int answered = 0; answered < perConnection; answered++) {
                        String head = readHead(in);
                        if (head == null) {
                            break;
                        }
                        int length = Integer.parseInt(head.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
                        char[] body = new char[length];
                        for (int read = 0; read < length; ) {
                            read += in.read(body, read, length - read);
                        }
                        requests.add(head + new String(body));
                        connectionsOfRequests.add(connection);
                        out.write(answers.apply(request++).getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                } catch (IOException e) {
                    // The listener was closed: the test is over.
                }
            }
        });
        server.setDaemon(true);
        server.start();
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/shm/");
    }

    /** The request line and headers, each line ending in CRLF, up to and with the empty line; null at the end. */
    private static String readHead(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
            if (line.isEmpty()) {
                return String.join("\r\n", lines) + "\r\n";
            }
        }
        return null;
    }
}

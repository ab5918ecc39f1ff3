package io.shm.benchmark;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One persistent HTTP/1.1 connection over a plain socket: the load generator's transport. A worker
 * sends one request at a time on its own connection, as an SDK instance does. It costs a fraction of
 * {@link java.net.http.HttpClient}'s CPU per request (no selector thread, no futures, no header
 * validation), and the load generator shares the machine with the server it measures: what the
 * generator spends, the server cannot. The server sees the same requests on the wire.
 * <p>
 * Not thread-safe. The connection is opened on first use and again after the server closed it
 * (Grizzly ends a keep-alive connection after a number of requests, or when idle).
 */
final class KeepAliveConnection implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final String host;
    private final int port;
    private final String basePath;
    private final byte[] hostHeader;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final ByteArrayOutputStream request = new ByteArrayOutputStream(1024);
    private final StringBuilder line = new StringBuilder(128);
    /** Whether a byte of the current answer arrived: from then on, the request is not sent again. */
    private boolean answerStarted;
    /** The last answer's {@code Retry-After}, or null. */
    private String retryAfter;

    KeepAliveConnection(URI server) {
        this.host = server.getHost();
        this.port = server.getPort() == -1 ? 80 : server.getPort();
        String path = server.getPath() == null ? "" : server.getPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.hostHeader = ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Posts {@code body} with the given headers (and {@code Host}, {@code Content-Length}) and reads
     * the whole answer. A request on a reused connection that fails before any byte of an answer
     * arrives is sent once more on a new one: the server closed the connection while it was idle.
     *
     * @return the answer's HTTP status
     */
    int post(String path, Map<String, String> headers, byte[] body) throws IOException {
        request.reset();
        ascii("POST " + basePath + path + " HTTP/1.1\r\n");
        request.writeBytes(hostHeader);
        headers.forEach((name, value) -> ascii(name + ": " + value + "\r\n"));
        ascii("Content-Length: " + body.length + "\r\n\r\n");
        request.writeBytes(body);
        boolean reused = socket != null;
        try {
            return exchange();
        } catch (IOException e) {
            close();
            if (!reused || answerStarted) {
                throw e;
            }
            // Closed by the server while idle: the write fails, or the read finds the end or a reset.
        }
        try {
            return exchange();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private int exchange() throws IOException {
        answerStarted = false;
        retryAfter = null;
        if (socket == null) {
            open();
        }
        request.writeTo(out);
        out.flush();
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("the server closed the connection before answering");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header; !(header = requireLine()).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                case "retry-after" -> retryAfter = value;
                default -> {
                    // Not needed to find the end of the answer.
                }
            }
        }
        if (chunked) {
            skipChunks();
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else if (status >= 200 && status != 204 && status != 304) {
            // No length: the body ends with the connection.
            in.transferTo(OutputStream.nullOutputStream());
            closes = true;
        }
        if (closes) {
            close();
        }
        return status;
    }

    /** The {@code Retry-After} header of the last answer, or null when it had none. */
    String retryAfter() {
        return retryAfter;
    }

    private void open() throws IOException {
        Socket opened = new Socket();
        opened.setTcpNoDelay(true);
        opened.setSoTimeout(READ_TIMEOUT_MILLIS);
        opened.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        socket = opened;
        out = opened.getOutputStream();
        in = new BufferedInputStream(opened.getInputStream(), 8192);
    }

    private void skipChunks() throws IOException {
        while (true) {
            String size = requireLine();
            int extension = size.indexOf(';');
            long length = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
            if (length == 0) {
                // Trailers, up to the empty line.
                while (!requireLine().isEmpty()) {
                    // skipped
                }
                return;
            }
            skip(length);
            requireLine();
        }
    }

    private void skip(long length) throws IOException {
        for (long left = length; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the answer ended " + left + " bytes early");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private String requireLine() throws IOException {
        String read = readLine();
        if (read == null) {
            throw new IOException("the answer ended in its headers");
        }
        return read;
    }

    /** A CRLF-terminated line of ASCII, without its end; null at the end of the stream before any byte. */
    private String readLine() throws IOException {
        line.setLength(0);
        for (int b; (b = in.read()) >= 0; ) {
            answerStarted = true;
            if (b == '\n') {
                int end = line.length();
                return line.substring(0, end > 0 && line.charAt(end - 1) == '\r' ? end - 1 : end);
            }
            line.append((char) b);
        }
        if (line.length() == 0) {
            return null;
        }
        throw new EOFException("the answer ended in a line");
    }

    private void ascii(String text) {
        request.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Nothing to do: the connection is gone either way.
            }
            socket = null;
            out = null;
            in = null;
        }
    }
}

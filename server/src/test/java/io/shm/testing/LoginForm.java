package io.shm.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's login form posted as plain HTTP, as a script would: fetches the form (session
 * cookie, view state, PrimeFaces' CSP nonce), then posts it. Each request goes out of a socket bound to
 * a chosen loopback address, with an optional {@code X-Forwarded-For}, so that a server trusting that
 * address as its proxy sees whichever client the test names.
 */
public final class LoginForm {

    private static final Pattern VIEW_STATE = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]+)\"");

    /** What the server answered: status, headers (lower-case names) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** A successful login redirects into the dashboard. */
        public boolean signedIn() {
            return status == 302 && header("location") != null && header("location").contains("/app/");
        }
    }

    private final URL base;
    private final String peer;
    private final String forwardedFor;

    /** From 127.0.0.1, nothing forwarded. */
    public LoginForm(URL base) {
        this(base, "127.0.0.1", null);
    }

    public LoginForm(URL base, String peer, String forwardedFor) {
        this.base = base;
        this.peer = peer;
        this.forwardedFor = forwardedFor;
    }

    /** Fetches the form and posts it, with its nonce, as a browser would. */
    public Answer login(String user, String password) throws IOException {
        return prepare().post(user, password, true);
    }

    /** Fetches the form; {@link Prepared#post} sends it. */
    public Prepared prepare() throws IOException {
        Answer page = send("GET /login.xhtml HTTP/1.1\r\n", null, new byte[0]);
        if (page.status() != 200) {
            throw new IllegalStateException("the login page answered " + page.status());
        }
        String cookie = page.header("set-cookie");
        String session = cookie == null ? null : cookie.split(";", 2)[0];
        return new Prepared(session, find(VIEW_STATE, page.body()), find(NONCE, page.body()));
    }

    /** A fetched form, ready to be posted. */
    public final class Prepared {
        private final String session;
        private final String viewState;
        private final String nonce;

        Prepared(String session, String viewState, String nonce) {
            this.session = session;
            this.viewState = viewState;
            this.nonce = nonce;
        }

        /** Posts the form; without the nonce when {@code withNonce} is false, as a careless script would. */
        public Answer post(String user, String password, boolean withNonce) throws IOException {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("login", "login");
            fields.put("login:username", user);
            fields.put("login:password", password);
            fields.put("login:submit", "");
            fields.put("jakarta.faces.ViewState", viewState);
            if (withNonce) {
                fields.put("primefaces.nonce", nonce);
            }
            StringBuilder form = new StringBuilder();
            fields.forEach((name, value) -> form.append(form.isEmpty() ? "" : "&")
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
            byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);
            return send("POST /login.xhtml HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n", session, body);
        }
    }

    private static String find(Pattern pattern, String page) {
        Matcher matcher = pattern.matcher(page);
        if (!matcher.find()) {
            throw new IllegalStateException("not in the login page: " + pattern);
        }
        return matcher.group(1);
    }

    private Answer send(String head, String session, byte[] body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(peer), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(base.getHost()), base.getPort()), 5000);
            socket.setSoTimeout(120_000);
            StringBuilder request = new StringBuilder(head)
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Connection: close\r\n")
                    .append("Accept-Language: en-US\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            if (forwardedFor != null) {
                request.append("X-Forwarded-For: ").append(forwardedFor).append("\r\n");
            }
            if (session != null) {
                request.append("Cookie: ").append(session).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            return parse(in.readAllBytes());
        }
    }

    static Answer parse(byte[] raw) {
        int split = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        String[] lines = new String(raw, 0, split, StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            // Of several cookies, the session's is the one a test needs.
            if (!name.equals("set-cookie") || !headers.containsKey(name) || value.startsWith("JSESSIONID=")) {
                headers.put(name, value);
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, split + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int eol = indexOf(chunked, new byte[] {'\r', '\n'}, at);
            String sizeLine = new String(chunked, at, eol - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeLine, 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, eol + 2, size);
            at = eol + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("malformed HTTP answer");
    }
}

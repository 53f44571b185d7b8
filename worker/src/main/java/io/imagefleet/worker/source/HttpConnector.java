package io.imagefleet.worker.source;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * One HTTP/1.1 request over a connection this class opens itself: the host is resolved and
 * checked by the {@link AddressPolicy}, and the socket is connected to one of exactly those
 * addresses, so what is checked is what is connected to. TLS verifies the certificate against
 * the host name (SNI sent). Connections are kept alive and reused for the same scheme, host and
 * port (at most {@value #MAX_IDLE_PER_ORIGIN} idle each, for up to 20 s): a reused connection
 * goes to an address that was checked when it was opened, and every new connection is resolved
 * and checked again. A connection goes back to the pool only when its response was read to its
 * end within the deadline and neither side asked to close it; a request that fails on a reused
 * connection before any answer is sent once more on a new one.
 * The job's deadline bounds the connect and every read, and closes the socket when it passes.
 * HTTP message parsing is Apache HttpCore's. Thread-safe.
 *
 * <p>Longer than most classes here (about 400 lines) on purpose: a connection's whole life, from
 * the address check of each new connection through TLS, the request, the deadline and whether it
 * may go back to the pool, is kept in one class, so that no path reuses or opens a connection
 * without the checks.
 */
public final class HttpConnector {
    private static final Http1Config HTTP1 = Http1Config.custom()
            .setMaxLineLength(16 * 1024).setMaxHeaderCount(200).build();

    static final int MAX_IDLE_PER_ORIGIN = 16;
    private static final long IDLE_NANOS = Duration.ofSeconds(20).toNanos();
    /** Bodies up to this size left unread are read to their end on close, so their connection can be reused. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final Map<String, Deque<Idle>> idle = new ConcurrentHashMap<>();
    private final AddressPolicy policy;
    private final SSLSocketFactory tls;
    private final Duration connectTimeout;
    private final String userAgent;

    public HttpConnector(AddressPolicy policy, SSLSocketFactory tls, Duration connectTimeout, String userAgent) {
        this.policy = policy;
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.userAgent = userAgent;
    }

    /**
     * Sends a request and reads the response head; the body is read from the returned response,
     * which must be closed.
     *
     * @param body the request body, or null for none
     * @throws AddressPolicy.Refused when the host or its addresses are not allowed (nothing was sent)
     * @throws IOException           on network errors and timeouts
     * @throws JobFailure            TIMEOUT when the job's deadline passes first
     */
    public Response exchange(String method, URI uri, byte[] body, String contentType, JobDeadline deadline)
            throws AddressPolicy.Refused, IOException, JobFailure {
        return exchange(new Request(method, uri, body, contentType, Map.of()), deadline);
    }

    /**
     * A request: method, URI, optional body and its type, and extra headers (such as Azure's
     * {@code x-ms-blob-type}).
     */
    public record Request(String method, URI uri, byte[] body, String contentType, Map<String, String> headers) {
        public Request {
            headers = Map.copyOf(headers);
        }
    }

    /** The same, with extra headers. */
    public Response exchange(Request r, JobDeadline deadline) throws AddressPolicy.Refused, IOException, JobFailure {
        URI uri = r.uri();
        boolean https = uri.getScheme().toLowerCase(Locale.ROOT).equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        // No host (a URI Java cannot parse a host from): no pool; the policy refuses it below.
        String origin = uri.getHost() == null ? null
                : (https ? "https://" : "http://") + AddressPolicy.normaliseHost(uri.getHost()) + ":" + port;
        Idle reused = origin == null ? null : takeIdle(origin);
        if (reused != null) {
            try {
                return exchange(r, reused, origin, https, deadline);
            } catch (IOException e) {
                // The server may have closed it while idle: once more on a new connection.
                deadline.check("talking to " + uri.getHost());
            }
        }
        List<InetAddress> addresses = policy.addressesFor(uri.getHost());
        Socket socket = connect(addresses, port, deadline);
        Idle opened;
        try {
            socket.setSoTimeout(readTimeout(deadline));
            Socket s = https ? secure(socket, uri.getHost(), port) : socket;
            DefaultBHttpClientConnection conn = new DefaultBHttpClientConnection(HTTP1);
            conn.bind(s);
            opened = new Idle(conn, s, 0);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            deadline.check("talking to " + uri.getHost());
            throw e;
        }
        return exchange(r, opened, origin, https, deadline);
    }

    /** One request and its response head over an open connection; the connection is closed when it fails. */
    private Response exchange(Request r, Idle c, String origin, boolean https, JobDeadline deadline)
            throws IOException, JobFailure {
        URI uri = r.uri();
        byte[] body = r.body();
        DefaultBHttpClientConnection conn = c.conn();
        Socket s = c.socket();
        JobDeadline.Registration onExpiry = deadline.onExpiry(() -> closeQuietly(s));
        try {
            s.setSoTimeout(readTimeout(deadline));
            conn.setSocketTimeout(Timeout.ofMilliseconds(readTimeout(deadline)));
            BasicClassicHttpRequest request = new BasicClassicHttpRequest(r.method(), pathAndQuery(uri));
            request.addHeader("Host", hostHeader(uri, https));
            request.addHeader("User-Agent", userAgent);
            request.addHeader("Accept-Encoding", "identity");
            r.headers().forEach(request::addHeader);
            if (body != null) {
                request.addHeader("Content-Length", Integer.toString(body.length));
                request.addHeader("Content-Type", r.contentType());
                request.setEntity(new ByteArrayEntity(body, ContentType.parse(r.contentType())));
            }
            conn.sendRequestHeader(request);
            if (body != null) {
                conn.sendRequestEntity(request);
            }
            conn.flush();
            ClassicHttpResponse response = conn.receiveResponseHeader();
            while (response.getCode() < 200) {
                response = conn.receiveResponseHeader(); // 100 Continue and other interim answers
            }
            conn.receiveResponseEntity(response);
            return new Response(response, c, onExpiry, deadline, this, origin);
        } catch (HttpException e) {
            onExpiry.close();
            c.close();
            deadline.check("talking to " + uri.getHost());
            throw new IOException("bad HTTP response from " + uri.getHost() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            onExpiry.close();
            c.close();
            deadline.check("talking to " + uri.getHost());
            throw e;
        }
    }

    /**
     * A read timeout that ends at the deadline, not before it (the milliseconds left, rounded
     * up), so that a read timing out is seen as the job's TIMEOUT.
     */
    private static int readTimeout(JobDeadline deadline) throws JobFailure {
        int ms = deadline.remainingMillisForIo();
        return ms == Integer.MAX_VALUE ? ms : ms + 1;
    }

    /** An idle connection to the origin that still looks open, or null. */
    private Idle takeIdle(String origin) {
        Deque<Idle> pool = idle.get(origin);
        if (pool == null) {
            return null;
        }
        for (Idle c = pool.pollFirst(); c != null; c = pool.pollFirst()) {
            try {
                if (System.nanoTime() - c.since() < IDLE_NANOS && !c.conn().isStale()) {
                    return c;
                }
            } catch (IOException e) {
                // stale: closed below
            }
            c.close();
        }
        return null;
    }

    /** Gives a connection whose exchange ended cleanly back to the pool, or closes it when the pool is full. */
    private void release(String origin, Idle c) {
        Deque<Idle> pool = idle.computeIfAbsent(origin, k -> new ConcurrentLinkedDeque<>());
        if (pool.size() >= MAX_IDLE_PER_ORIGIN) {
            c.close();
            return;
        }
        pool.addFirst(new Idle(c.conn(), c.socket(), System.nanoTime()));
    }

    /** Idle connections kept now, over every origin (for tests). */
    int idleConnections() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** A connection bound to its socket (plain or TLS), idle since {@code since} (nanoTime) when pooled. */
    private record Idle(DefaultBHttpClientConnection conn, Socket socket, long since) {
        void close() {
            conn.close(CloseMode.IMMEDIATE);
            closeQuietly(socket);
        }
    }

    private Socket connect(List<InetAddress> addresses, int port, JobDeadline deadline) throws IOException, JobFailure {
        IOException last = null;
        for (InetAddress address : addresses) {
            int timeout = (int) Math.min(connectTimeout.toMillis(), deadline.remainingMillisForIo());
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), timeout);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        deadline.check("connecting");
        throw last != null ? last : new IOException("no address to connect to");
    }

    private Socket secure(Socket plain, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, AddressPolicy.normaliseHost(host), port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        String name = AddressPolicy.normaliseHost(host);
        if (!host.startsWith("[") && !Character.isDigit(name.charAt(name.length() - 1))) {
            params.setServerNames(List.of(new SNIHostName(name)));
        }
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        return ssl;
    }

    private static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static String hostHeader(URI uri, boolean https) {
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (https && port == 443) || (!https && port == 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing to abort: the socket is unusable either way.
        }
    }

    /**
     * A response whose head has been read; the body streams from the connection. Close it when
     * done: its connection is then reused if the body was read to its end (or is small enough to
     * finish reading), else closed.
     */
    public static final class Response implements AutoCloseable {
        private final ClassicHttpResponse response;
        private final Idle connection;
        private final JobDeadline.Registration onExpiry;
        private final JobDeadline deadline;
        private final HttpConnector owner;
        private final String origin;
        private InputStream body;
        private boolean ended;

        Response(ClassicHttpResponse response, Idle connection, JobDeadline.Registration onExpiry, JobDeadline deadline,
                 HttpConnector owner, String origin) {
            this.response = response;
            this.connection = connection;
            this.onExpiry = onExpiry;
            this.deadline = deadline;
            this.owner = owner;
            this.origin = origin;
        }

        public int status() {
            return response.getCode();
        }

        public String reason() {
            return response.getReasonPhrase() == null ? "" : response.getReasonPhrase();
        }

        /** The first value of a header, or null. */
        public String header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        /** The declared body length, or -1 when it is not declared. */
        public long contentLength() {
            HttpEntity e = response.getEntity();
            return e == null ? -1 : e.getContentLength();
        }

        /** The body; each read is bounded by the job's remaining time. */
        public InputStream body() throws IOException {
            if (body == null) {
                HttpEntity e = response.getEntity();
                InputStream raw = e == null ? InputStream.nullInputStream() : e.getContent();
                body = new FilterInputStream(raw) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        ended |= b < 0;
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = super.read(buf, off, len);
                        ended |= n < 0;
                        return n;
                    }

                    @Override
                    public void close() {
                        // The connection's fate is decided when the response is closed.
                    }
                };
            }
            return body;
        }

        /** Shortens the socket timeout to the time the job has left, before a read. */
        public void boundNextRead() throws JobFailure, IOException {
            connection.socket().setSoTimeout(readTimeout(deadline));
        }

        @Override
        public void close() {
            boolean reusable = reusable() && readToEnd();
            onExpiry.close();
            if (reusable && origin != null && !deadline.expired() && !connection.socket().isClosed()) {
                owner.release(origin, connection);
            } else {
                connection.close();
            }
        }

        /** Whether both sides let the connection live on and the body has a length the parser knows. */
        private boolean reusable() {
            HttpEntity e = response.getEntity();
            boolean framed = e == null || e.getContentLength() >= 0 || e.isChunked();
            Header close = response.getFirstHeader("Connection");
            return framed && response.getVersion() != null && response.getVersion().greaterEquals(
                    org.apache.hc.core5.http.HttpVersion.HTTP_1_1)
                    && (close == null || !close.getValue().toLowerCase(Locale.ROOT).contains("close"));
        }

        /** Whether the body is read to its end, reading what is left when it is small. */
        private boolean readToEnd() {
            HttpEntity e = response.getEntity();
            if (ended || e == null) {
                return true;
            }
            long length = e.getContentLength();
            if (length > DRAIN_LIMIT || length < 0 && !e.isChunked() || deadline.expired()) {
                return false;
            }
            try {
                InputStream in = body();
                boundNextRead();
                byte[] skip = new byte[8192];
                long read = 0;
                while (!ended && read <= DRAIN_LIMIT) {
                    int n = in.read(skip);
                    read += Math.max(n, 0);
                }
                return ended;
            } catch (IOException | JobFailure x) {
                return false;
            }
        }
    }
}

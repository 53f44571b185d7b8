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
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request over a connection this class opens itself: the host is resolved and
 * checked by the {@link AddressPolicy}, and the socket is connected to one of exactly those
 * addresses, so what is checked is what is connected to. TLS verifies the certificate against
 * the host name (SNI sent). Connections are not reused: each exchange opens and closes its own.
 * The job's deadline bounds the connect and every read, and closes the socket when it passes.
 * HTTP message parsing is Apache HttpCore's. Thread-safe.
 */
public final class HttpConnector {
    private static final Http1Config HTTP1 = Http1Config.custom()
            .setMaxLineLength(16 * 1024).setMaxHeaderCount(200).build();

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
        String method = r.method();
        URI uri = r.uri();
        byte[] body = r.body();
        String contentType = r.contentType();
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        List<InetAddress> addresses = policy.addressesFor(uri.getHost());
        Socket socket = connect(addresses, port, deadline);
        JobDeadline.Registration onExpiry = deadline.onExpiry(() -> closeQuietly(socket));
        DefaultBHttpClientConnection conn = new DefaultBHttpClientConnection(HTTP1);
        try {
            socket.setSoTimeout(deadline.remainingMillisForIo());
            Socket s = https ? secure(socket, uri.getHost(), port) : socket;
            conn.bind(s);
            conn.setSocketTimeout(Timeout.ofMilliseconds(deadline.remainingMillisForIo()));
            BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, pathAndQuery(uri));
            request.addHeader("Host", hostHeader(uri, https));
            request.addHeader("User-Agent", userAgent);
            request.addHeader("Accept-Encoding", "identity");
            request.addHeader("Connection", "close");
            r.headers().forEach(request::addHeader);
            if (body != null) {
                request.addHeader("Content-Length", Integer.toString(body.length));
                request.addHeader("Content-Type", contentType);
                request.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
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
            return new Response(response, conn, onExpiry, s, deadline);
        } catch (HttpException e) {
            onExpiry.close();
            conn.close(CloseMode.IMMEDIATE);
            closeQuietly(socket);
            deadline.check("talking to " + uri.getHost());
            throw new IOException("bad HTTP response from " + uri.getHost() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            onExpiry.close();
            conn.close(CloseMode.IMMEDIATE);
            closeQuietly(socket);
            deadline.check("talking to " + uri.getHost());
            throw e;
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

    /** A response whose head has been read; the body streams from the connection. Close it when done. */
    public static final class Response implements AutoCloseable {
        private final ClassicHttpResponse response;
        private final DefaultBHttpClientConnection conn;
        private final JobDeadline.Registration onExpiry;
        private final Socket socket;
        private final JobDeadline deadline;

        Response(ClassicHttpResponse response, DefaultBHttpClientConnection conn, JobDeadline.Registration onExpiry,
                 Socket socket, JobDeadline deadline) {
            this.response = response;
            this.conn = conn;
            this.onExpiry = onExpiry;
            this.socket = socket;
            this.deadline = deadline;
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
            HttpEntity e = response.getEntity();
            return e == null ? InputStream.nullInputStream() : e.getContent();
        }

        /** Shortens the socket timeout to the time the job has left, before a read. */
        public void boundNextRead() throws JobFailure, IOException {
            socket.setSoTimeout(deadline.remainingMillisForIo());
        }

        @Override
        public void close() {
            onExpiry.close();
            conn.close(CloseMode.IMMEDIATE);
            closeQuietly(socket);
        }
    }
}

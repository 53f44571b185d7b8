package io.imagefleet.worker.source;

import javax.net.ServerSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 server on the loopback interface, for tests: it counts every TCP connection
 * it accepts (so a test can show that a forbidden URL never reached it), records the requests
 * and answers each with what the test's handler returns. One thread per connection. By default
 * it answers one request per connection and says {@code Connection: close}; in
 * {@link KeepAlive#SERVES_MANY} it keeps serving requests on a connection until the client closes
 * it, and in {@link KeepAlive#CLOSES_SILENTLY} it closes after one answer without saying so.
 */
public final class CountingHttpServer implements AutoCloseable {
    /** A request as received, with its header lines. */
    public record Request(String method, String target, String host, byte[] body, List<String> headerLines) {
        /** The value of the first header of this name, or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headerLines.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).trim()).findFirst().orElse(null);
        }
    }

    /** A response to send: status, extra header lines, body; {@code stallAfterHead} sends the head and then nothing. */
    public record Response(int status, List<String> headers, byte[] body, boolean chunked, boolean stallAfterHead) {
        public static Response ok(byte[] body) {
            return new Response(200, List.of(), body, false, false);
        }

        public static Response status(int status) {
            return new Response(status, List.of(), new byte[0], false, false);
        }

        public static Response redirect(String location) {
            return new Response(302, List.of("Location: " + location), new byte[0], false, false);
        }
    }

    /** How connections are kept. */
    public enum KeepAlive { CLOSES, SERVES_MANY, CLOSES_SILENTLY }

    private final ServerSocket server;
    private final KeepAlive keepAlive;
    private final Function<Request, Response> handler;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread acceptor;

    public CountingHttpServer(Function<Request, Response> handler) throws IOException {
        this(ServerSocketFactory.getDefault(), handler);
    }

    public CountingHttpServer(ServerSocketFactory factory, Function<Request, Response> handler) throws IOException {
        this(factory, handler, KeepAlive.CLOSES);
    }

    public CountingHttpServer(Function<Request, Response> handler, KeepAlive keepAlive) throws IOException {
        this(ServerSocketFactory.getDefault(), handler, keepAlive);
    }

    public CountingHttpServer(ServerSocketFactory factory, Function<Request, Response> handler, KeepAlive keepAlive)
            throws IOException {
        this.server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.handler = handler;
        this.keepAlive = keepAlive;
        this.acceptor = Thread.ofPlatform().daemon().name("test-http-" + server.getLocalPort()).start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            do {
                serveOne(s, in);
            } while (keepAlive == KeepAlive.SERVES_MANY);
        } catch (IOException | RuntimeException | InterruptedException e) {
            // The client went away or the test is over.
        }
    }

    private void serveOne(Socket s, InputStream in) throws IOException, InterruptedException {
        {
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String[] first = lines[0].split(" ");
            String host = null;
            int length = 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("host:")) {
                    host = line.substring(5).trim();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            Request request = new Request(first[0], first[1], host, body, List.of(lines).subList(1, lines.length));
            requests.add(request);
            write(s.getOutputStream(), handler.apply(request));
        }
    }

    private void write(OutputStream out, Response r) throws IOException, InterruptedException {
        StringBuilder head = new StringBuilder("HTTP/1.1 " + r.status() + " X\r\n"
                + (keepAlive == KeepAlive.CLOSES ? "Connection: close\r\n" : ""));
        for (String h : r.headers()) {
            head.append(h).append("\r\n");
        }
        head.append(r.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + r.body().length + "\r\n");
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (r.stallAfterHead()) {
            released.await();
            return;
        }
        if (r.chunked()) {
            int chunk = 8192;
            for (int i = 0; i < r.body().length; i += chunk) {
                int n = Math.min(chunk, r.body().length - i);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(r.body(), i, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.write(r.body());
        }
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new SocketException("closed before the end of the head");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.close();
    }
}

package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What an S3 endpoint can do wrong that a well-behaved store never does, served by real HTTP
 * servers on the loopback interface to the real SDK client: a body without Content-Length that
 * goes past the cap, and a body that ends before its Content-Length. The round trips against a
 * real S3 server are in the local module (S3RoundTripTest).
 */
class S3SourceTest {
    private static final long CAP = 10_000;

    private static S3Endpoint endpoint(int port) {
        return S3Endpoint.of(WorkerConfig.fromEnv(Map.of("IMAGEFLEET_S3_ENDPOINT", "http://127.0.0.1:" + port)).s3(),
                Duration.ofSeconds(2), StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")));
    }

    @Test
    void fetch_chunkedBodyPastTheCap_sourceTooLargeWhileStreaming() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(r -> new CountingHttpServer.Response(200,
                List.of("Content-Type: image/jpeg"), new byte[(int) CAP * 4], true, false));
             S3Endpoint s3 = endpoint(server.port())) {
            JobFailure f = catchThrowableOfType(JobFailure.class, () -> new S3Source(s3, CAP)
                    .fetch(URI.create("s3://photos/in/a.jpg"), JobDeadline.after(Duration.ofSeconds(20))));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_TOO_LARGE);
            assertThat(f.getMessage()).contains("sent more than");
            assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.target()).startsWith("/photos/in/a.jpg"));
        }
    }

    @Test
    void fetch_bodyShorterThanDeclared_sourceUnavailableRetryable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             S3Endpoint s3 = endpoint(server.getLocalPort())) {
            Thread.ofPlatform().daemon().start(() -> serveTruncated(server));

            JobFailure f = catchThrowableOfType(JobFailure.class, () -> new S3Source(s3, CAP)
                    .fetch(URI.create("s3://photos/in/a.jpg"), JobDeadline.after(Duration.ofSeconds(20))));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(f.retryable()).isTrue();
        }
    }

    @Test
    void fetch_bucketOnlyUri_invalidJob() throws Exception {
        try (S3Endpoint s3 = endpoint(1)) {
            JobFailure f = catchThrowableOfType(JobFailure.class, () -> new S3Source(s3, CAP)
                    .fetch(URI.create("s3://photos/"), JobDeadline.after(Duration.ofSeconds(5))));

            assertThat(f.code()).isEqualTo(ErrorCode.INVALID_JOB);
        }
    }

    /** Answers every request with 1000 declared bytes, sends 100 and closes the connection. */
    private static void serveTruncated(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                int state = 0;
                while (state < 4) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
                }
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(new byte[100]);
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}

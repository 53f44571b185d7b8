package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.CountingHttpServer;
import io.imagefleet.worker.source.HttpConnector;
import io.imagefleet.worker.source.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HttpStoreTest {
    private static final byte[] OUTPUT = {(byte) 0xff, (byte) 0xd8, 1, 2, 3};

    @TempDir
    Path dir;

    private static HttpStore store(AddressPolicy policy, SSLSocketFactory tls) {
        return new HttpStore(new HttpConnector(policy, tls, Duration.ofSeconds(5), "test"));
    }

    private static JobDeadline deadline() {
        return JobDeadline.after(Duration.ofSeconds(30));
    }

    @Test
    void store_httpsPresignedPrefix_putsTheObjectAndReportsItWithoutTheSignature() throws Exception {
        TestTls tls = TestTls.create(dir, "dns:localhost,ip:127.0.0.1");
        try (CountingHttpServer server = new CountingHttpServer(tls.server().getServerSocketFactory(),
                r -> CountingHttpServer.Response.status(201))) {
            URI target = URI.create("https://127.0.0.1:" + server.port() + "/bucket/thumbs?X-Sig=s3cr3t&exp=1");

            URI stored = store(new AddressPolicy(List.of(), true), tls.client().getSocketFactory())
                    .store(target, new StoredOutput("job", "p1-thumb.jpg", OUTPUT), deadline());

            assertThat(stored.toString()).isEqualTo("https://127.0.0.1:" + server.port() + "/bucket/thumbs/p1-thumb.jpg");
            assertThat(server.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("PUT");
                assertThat(r.target()).isEqualTo("/bucket/thumbs/p1-thumb.jpg?X-Sig=s3cr3t&exp=1");
                assertThat(r.body()).isEqualTo(OUTPUT);
            });
        }
    }

    @Test
    void store_twoOutputsOverHttps_reuseOneConnection() throws Exception {
        TestTls tls = TestTls.create(dir, "dns:localhost,ip:127.0.0.1");
        try (CountingHttpServer server = new CountingHttpServer(tls.server().getServerSocketFactory(),
                r -> CountingHttpServer.Response.status(201), CountingHttpServer.KeepAlive.SERVES_MANY)) {
            HttpStore s = store(new AddressPolicy(List.of(), true), tls.client().getSocketFactory());
            URI target = URI.create("https://127.0.0.1:" + server.port() + "/bucket/thumbs/");

            s.store(target, new StoredOutput("job", "p1-thumb.jpg", OUTPUT), deadline());
            s.store(target, new StoredOutput("job", "p1-small.jpg", OUTPUT), deadline());

            assertThat(server.requests()).extracting(CountingHttpServer.Request::target)
                    .containsExactly("/bucket/thumbs/p1-thumb.jpg", "/bucket/thumbs/p1-small.jpg");
            assertThat(server.requests()).allSatisfy(r -> assertThat(r.body()).isEqualTo(OUTPUT));
            assertThat(server.connections()).as("one TLS connection, kept alive").isEqualTo(1);
        }
    }

    @Test
    void store_loopbackTargetWithoutOptIn_isForbiddenWithoutConnecting() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(r -> CountingHttpServer.Response.status(200))) {
            HttpStore s = store(AddressPolicy.publicOnly(), (SSLSocketFactory) SSLSocketFactory.getDefault());

            for (String host : List.of("127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433")) {
                JobFailure f = catchThrowableOfType(JobFailure.class, () -> s.store(
                        URI.create("http://" + host + ":" + server.port() + "/out/?sig=x"), new StoredOutput("job", "a.png", OUTPUT), deadline()));
                assertThat(f.code()).as(host).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
                assertThat(f.getMessage()).doesNotContain("sig=x");
            }
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void store_serverErrors_areRetryableAndRefusalsAreNot() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(
                r -> CountingHttpServer.Response.status(r.target().contains("busy") ? 503 : 403))) {
            HttpStore s = store(new AddressPolicy(List.of(), true), (SSLSocketFactory) SSLSocketFactory.getDefault());
            String base = "http://127.0.0.1:" + server.port();

            JobFailure busy = catchThrowableOfType(JobFailure.class,
                    () -> s.store(URI.create(base + "/busy/"), new StoredOutput("job", "a.png", OUTPUT), deadline()));
            JobFailure refused = catchThrowableOfType(JobFailure.class,
                    () -> s.store(URI.create(base + "/expired/"), new StoredOutput("job", "a.png", OUTPUT), deadline()));

            assertThat(busy.code()).isEqualTo(ErrorCode.OUTPUT_FAILED);
            assertThat(busy.retryable()).isTrue();
            assertThat(refused.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
            assertThat(refused.getMessage()).contains("answered 403");
        }
    }

    @Test
    void storeExact_presignedObjectUrl_putsToExactlyThatUrlAddingNothing() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(r -> CountingHttpServer.Response.status(200))) {
            URI exact = URI.create("http://127.0.0.1:" + server.port()
                    + "/photos/thumbs/p1-thumb.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc%2Fdef");

            URI stored = store(new AddressPolicy(List.of(), true), (SSLSocketFactory) SSLSocketFactory.getDefault())
                    .storeExact(exact, new StoredOutput("p1", "p1-thumb.jpg", OUTPUT), deadline());

            assertThat(stored.toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/photos/thumbs/p1-thumb.jpg");
            assertThat(server.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("PUT");
                assertThat(r.target()).isEqualTo(exact.getRawPath() + "?" + exact.getRawQuery());
                assertThat(r.header("Content-Type")).isEqualTo("image/jpeg");
                assertThat(r.header("x-ms-blob-type")).isNull();
                assertThat(r.body()).isEqualTo(OUTPUT);
            });
        }
    }

    @Test
    void storeExact_loopbackWithoutOptIn_isForbiddenWithoutConnecting() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(r -> CountingHttpServer.Response.status(200))) {
            JobFailure f = catchThrowableOfType(JobFailure.class, () -> store(AddressPolicy.publicOnly(),
                    (SSLSocketFactory) SSLSocketFactory.getDefault()).storeExact(
                    URI.create("http://127.0.0.1:" + server.port() + "/b/k.jpg?sig=x"),
                    new StoredOutput("p1", "p1-thumb.jpg", OUTPUT), deadline()));

            assertThat(f.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void headersFor_azureBlobHost_sendsBlockBlobTypeAndOthersNothing() {
        assertThat(HttpStore.headersFor(URI.create("https://acct.blob.core.windows.net/c/p1-thumb.jpg?sv=2024&sig=x")))
                .containsExactly(java.util.Map.entry("x-ms-blob-type", "BlockBlob"));
        assertThat(HttpStore.headersFor(URI.create("https://ACCT.Blob.Core.Windows.Net/c/a.jpg"))).hasSize(1);
        assertThat(HttpStore.headersFor(URI.create("https://photos.s3.us-east-1.amazonaws.com/a.jpg?X-Amz-Signature=x")))
                .isEmpty();
        assertThat(HttpStore.headersFor(URI.create("https://blob.core.windows.net.evil.example/a.jpg"))).isEmpty();
    }
}

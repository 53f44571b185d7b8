package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HttpsSourceTest {
    private static final byte[] IMAGE = "tls image bytes".getBytes();

    @TempDir
    static Path dir;
    static TestTls tls;

    @BeforeAll
    static void certificate() throws Exception {
        tls = TestTls.create(dir, "dns:localhost,ip:127.0.0.1");
    }

    private static HttpSource source(AddressPolicy policy) {
        return new HttpSource(new HttpConnector(policy, tls.client().getSocketFactory(), Duration.ofSeconds(5), "test"), 1 << 20);
    }

    @Test
    void fetch_httpsByListedName_verifiesTheCertificateAndReads() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(tls.server().getServerSocketFactory(),
                r -> CountingHttpServer.Response.ok(IMAGE))) {
            SourceBytes got = source(new AddressPolicy(List.of("localhost"), false))
                    .fetch(URI.create("https://localhost:" + server.port() + "/a.jpg"), JobDeadline.after(Duration.ofSeconds(30)));

            assertThat(got.bytes()).isEqualTo(IMAGE);
            assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.host()).isEqualTo("localhost:" + server.port()));
        }
    }

    @Test
    void fetch_certificateForAnotherName_failsUnavailable() throws Exception {
        TestTls other = TestTls.create(dir, "dns:images.example.com");
        try (CountingHttpServer server = new CountingHttpServer(other.server().getServerSocketFactory(),
                r -> CountingHttpServer.Response.ok(IMAGE))) {
            HttpSource source = new HttpSource(new HttpConnector(new AddressPolicy(List.of(), true),
                    other.client().getSocketFactory(), Duration.ofSeconds(5), "test"), 1 << 20);

            JobFailure f = catchThrowableOfType(JobFailure.class, () -> source.fetch(
                    URI.create("https://127.0.0.1:" + server.port() + "/a.jpg"), JobDeadline.after(Duration.ofSeconds(30))));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void fetch_redirectFromHttpsToHttp_isRefused() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(tls.server().getServerSocketFactory(),
                r -> CountingHttpServer.Response.redirect("http://127.0.0.1:1/plain.jpg"))) {
            JobFailure f = catchThrowableOfType(JobFailure.class, () -> source(new AddressPolicy(List.of(), true))
                    .fetch(URI.create("https://127.0.0.1:" + server.port() + "/a.jpg"), JobDeadline.after(Duration.ofSeconds(30))));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(f.getMessage()).contains("from https to http");
        }
    }
}

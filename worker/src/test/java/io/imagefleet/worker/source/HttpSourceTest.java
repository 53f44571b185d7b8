package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HttpSourceTest {
    private static final byte[] IMAGE = "pretend these are image bytes".getBytes();
    private static final long CAP = 64 * 1024;

    private CountingHttpServer target;

    @BeforeEach
    void setUp() throws Exception {
        target = new CountingHttpServer(r -> CountingHttpServer.Response.ok(IMAGE));
    }

    @AfterEach
    void tearDown() throws Exception {
        target.close();
    }

    private static HttpSource source(AddressPolicy policy) {
        return new HttpSource(new HttpConnector(policy, (SSLSocketFactory) SSLSocketFactory.getDefault(),
                Duration.ofSeconds(5), "test"), CAP);
    }

    private static JobDeadline deadline() {
        return JobDeadline.after(Duration.ofSeconds(30));
    }

    private static JobFailure failure(HttpSource source, String uri) {
        return catchThrowableOfType(JobFailure.class, () -> source.fetch(URI.create(uri), deadline()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "127.0.0.1", "127.0.0.2", "[::1]", "localhost", "LocalHost.", "0.0.0.0", "[::]",
        "2130706433", "0x7f000001", "0x7F.0.0.1", "0177.0.0.1", "017700000001", "127.1", "127.0.1",
        "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]"})
    void fetch_loopbackInAnyForm_isRefusedWithoutConnecting(String host) {
        JobFailure f = failure(source(AddressPolicy.publicOnly()), "http://" + host + ":" + target.port() + "/img.jpg");

        assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
        assertThat(target.connections()).isZero();
    }

    @Test
    void fetch_redirectToLoopback_isRefusedAtTheHop() throws Exception {
        try (CountingHttpServer redirector = new CountingHttpServer(
                r -> CountingHttpServer.Response.redirect("http://127.0.0.1:" + target.port() + "/img.jpg"))) {
            // The first hop's host is allowed by name; the hop it redirects to is not.
            HttpSource source = source(new AddressPolicy(List.of("localhost"), false));

            JobFailure f = failure(source, "http://localhost:" + redirector.port() + "/start");

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(f.getMessage()).contains("127.0.0.1").contains("loopback");
            assertThat(redirector.connections()).isEqualTo(1);
            assertThat(target.connections()).isZero();
        }
    }

    @Test
    void fetch_allowPrivate_readsTheLoopbackServer() throws Exception {
        SourceBytes got = source(new AddressPolicy(List.of(), true)).fetch(
                URI.create("http://127.0.0.1:" + target.port() + "/img.jpg?sig=abc"), deadline());

        assertThat(got.bytes()).isEqualTo(IMAGE);
        assertThat(got.origin()).endsWith("/img.jpg?...");
        assertThat(target.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.target()).isEqualTo("/img.jpg?sig=abc");
            assertThat(r.host()).isEqualTo("127.0.0.1:" + target.port());
        });
    }

    @Test
    void fetch_threeRedirects_areFollowed_aFourthIsRefused() throws Exception {
        try (CountingHttpServer hops = new CountingHttpServer(r -> {
            int n = Integer.parseInt(r.target().substring(1));
            return n == 0 ? CountingHttpServer.Response.ok(IMAGE) : CountingHttpServer.Response.redirect("/" + (n - 1));
        })) {
            HttpSource source = source(new AddressPolicy(List.of(), true));
            String base = "http://127.0.0.1:" + hops.port() + "/";

            assertThat(source.fetch(URI.create(base + "3"), deadline()).bytes()).isEqualTo(IMAGE);
            JobFailure f = failure(source, base + "4");

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(f.getMessage()).contains("more than 3");
        }
    }

    @Test
    void fetch_contentLengthOverTheCap_failsBeforeReading() throws Exception {
        byte[] big = new byte[(int) CAP + 1];
        try (CountingHttpServer server = new CountingHttpServer(r -> CountingHttpServer.Response.ok(big))) {
            JobFailure f = failure(source(new AddressPolicy(List.of(), true)), "http://127.0.0.1:" + server.port() + "/big");

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_TOO_LARGE);
            assertThat(f.getMessage()).contains("declares 64.0 KiB").contains("the limit is 64.0 KiB");
        }
    }

    @Test
    void fetch_chunkedStreamOverTheCap_stopsAtTheCap() throws Exception {
        byte[] big = new byte[(int) CAP * 4];
        try (CountingHttpServer server = new CountingHttpServer(
                r -> new CountingHttpServer.Response(200, List.of(), big, true, false))) {
            JobFailure f = failure(source(new AddressPolicy(List.of(), true)), "http://127.0.0.1:" + server.port() + "/big");

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_TOO_LARGE);
            assertThat(f.getMessage()).contains("sent more than 64.0 KiB");
        }
    }

    @Test
    void fetch_chunkedStreamUnderTheCap_isReadWhole() throws Exception {
        byte[] body = new byte[20_000];
        Arrays.fill(body, (byte) 7);
        try (CountingHttpServer server = new CountingHttpServer(
                r -> new CountingHttpServer.Response(200, List.of(), body, true, false))) {
            SourceBytes got = source(new AddressPolicy(List.of(), true)).fetch(
                    URI.create("http://127.0.0.1:" + server.port() + "/c"), deadline());

            assertThat(got.bytes()).isEqualTo(body);
        }
    }

    @Test
    void fetch_statuses_mapToCodes() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(
                r -> CountingHttpServer.Response.status(Integer.parseInt(r.target().substring(1))))) {
            HttpSource source = source(new AddressPolicy(List.of(), true));
            String base = "http://127.0.0.1:" + server.port() + "/";

            assertThat(failure(source, base + "404").code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND);
            assertThat(failure(source, base + "403").code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            JobFailure unavailable = failure(source, base + "503");
            assertThat(unavailable.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(unavailable.retryable()).isTrue();
            assertThat(unavailable.getMessage()).contains("answered 503");
        }
    }

    @Test
    void fetch_serverStallsPastTheDeadline_failsTimeout() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(
                r -> new CountingHttpServer.Response(200, List.of(), IMAGE, false, true))) {
            HttpSource source = source(new AddressPolicy(List.of(), true));

            JobFailure f = catchThrowableOfType(JobFailure.class, () -> source.fetch(
                    URI.create("http://127.0.0.1:" + server.port() + "/slow"), JobDeadline.after(Duration.ofMillis(300))));

            assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(f.getMessage()).contains("300ms deadline");
        }
    }

    @Test
    void fetch_redirectToFileScheme_isRefused() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer(
                r -> CountingHttpServer.Response.redirect("file:///etc/passwd"))) {
            JobFailure f = failure(source(new AddressPolicy(List.of(), true)), "http://127.0.0.1:" + server.port() + "/");

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(f.getMessage()).contains("file://");
        }
    }

    @Test
    void fetch_twoSourcesFromOneOrigin_reuseOneConnection() throws Exception {
        try (CountingHttpServer origin = new CountingHttpServer(r -> CountingHttpServer.Response.ok(IMAGE),
                CountingHttpServer.KeepAlive.SERVES_MANY)) {
            HttpSource source = source(new AddressPolicy(List.of(), true));

            byte[] first = source.fetch(URI.create("http://127.0.0.1:" + origin.port() + "/a.jpg"), deadline()).bytes();
            byte[] second = source.fetch(URI.create("http://127.0.0.1:" + origin.port() + "/b.jpg"), deadline()).bytes();

            assertThat(first).isEqualTo(IMAGE);
            assertThat(second).isEqualTo(IMAGE);
            assertThat(origin.requests()).extracting(CountingHttpServer.Request::target).containsExactly("/a.jpg", "/b.jpg");
            assertThat(origin.connections()).isEqualTo(1);
        }
    }

    @Test
    void fetch_serverClosedTheIdleConnection_fetchesOnANewOne() throws Exception {
        try (CountingHttpServer origin = new CountingHttpServer(r -> CountingHttpServer.Response.ok(IMAGE),
                CountingHttpServer.KeepAlive.CLOSES_SILENTLY)) {
            HttpSource source = source(new AddressPolicy(List.of(), true));
            URI uri = URI.create("http://127.0.0.1:" + origin.port() + "/a.jpg");

            source.fetch(uri, deadline());
            byte[] again = source.fetch(uri, deadline()).bytes();

            assertThat(again).isEqualTo(IMAGE);
            assertThat(origin.connections()).isEqualTo(2);
        }
    }

    @Test
    void fetch_sourceTooLarge_itsConnectionIsNotReused() throws Exception {
        byte[] large = new byte[(int) CAP * 2];
        try (CountingHttpServer origin = new CountingHttpServer(r -> CountingHttpServer.Response.ok(
                r.target().equals("/large.jpg") ? large : IMAGE), CountingHttpServer.KeepAlive.SERVES_MANY)) {
            HttpSource source = source(new AddressPolicy(List.of(), true));

            JobFailure f = failure(source, "http://127.0.0.1:" + origin.port() + "/large.jpg");
            byte[] next = source.fetch(URI.create("http://127.0.0.1:" + origin.port() + "/a.jpg"), deadline()).bytes();

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_TOO_LARGE);
            assertThat(next).isEqualTo(IMAGE);
            assertThat(origin.connections()).isEqualTo(2);
        }
    }

    @Test
    void fetch_otherHostOnTheSameAddress_isCheckedNotServedByAnIdleConnection() throws Exception {
        try (CountingHttpServer origin = new CountingHttpServer(r -> CountingHttpServer.Response.ok(IMAGE),
                CountingHttpServer.KeepAlive.SERVES_MANY)) {
            // localhost is allowed by name; 127.0.0.1, the same address by another name, is not.
            HttpSource source = source(new AddressPolicy(List.of("localhost"), false));
            source.fetch(URI.create("http://localhost:" + origin.port() + "/a.jpg"), deadline());

            JobFailure f = failure(source, "http://127.0.0.1:" + origin.port() + "/a.jpg");

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(origin.requests()).hasSize(1);
        }
    }
}

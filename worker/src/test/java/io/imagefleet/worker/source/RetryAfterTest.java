package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RetryAfterTest {
    private static final byte[] IMAGE = "pretend these are image bytes".getBytes();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

    private static HttpSource source() {
        return new HttpSource(new HttpConnector(new AddressPolicy(List.of(), true),
                (SSLSocketFactory) SSLSocketFactory.getDefault(), Duration.ofSeconds(5), "test"), 1 << 20);
    }

    private static CountingHttpServer busyThenOk(int status, String retryAfter, int busyAnswers) throws Exception {
        AtomicInteger seen = new AtomicInteger();
        return new CountingHttpServer(r -> seen.getAndIncrement() < busyAnswers
                ? new CountingHttpServer.Response(status, List.of("Retry-After: " + retryAfter), new byte[0], false, false)
                : CountingHttpServer.Response.ok(IMAGE));
    }

    @Test
    void fetch_429WithRetryAfterInTheDeadline_waitsAndGetsTheImage() throws Exception {
        try (CountingHttpServer origin = busyThenOk(429, "1", 1)) {
            long start = System.nanoTime();
            SourceBytes got = source().fetch(URI.create("http://127.0.0.1:" + origin.port() + "/a.jpg"),
                    JobDeadline.after(Duration.ofSeconds(30)));

            assertThat(got.bytes()).isEqualTo(IMAGE);
            assertThat(origin.requests()).hasSize(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void fetch_503AskingForMoreThanTheDeadline_failsAtOnceSayingSo() throws Exception {
        try (CountingHttpServer origin = busyThenOk(503, "120", 1)) {
            JobFailure f = catchThrowableOfType(JobFailure.class, () -> source().fetch(
                    URI.create("http://127.0.0.1:" + origin.port() + "/a.jpg"), JobDeadline.after(Duration.ofSeconds(10))));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(f.getMessage()).contains("answered 503", "Retry-After of 120 s does not fit");
            assertThat(origin.requests()).hasSize(1);
        }
    }

    @Test
    void fetch_originBusyEveryTime_waitsAtMostTwiceThenFails() throws Exception {
        try (CountingHttpServer origin = busyThenOk(429, "0", 100)) {
            JobFailure f = catchThrowableOfType(JobFailure.class, () -> source().fetch(
                    URI.create("http://127.0.0.1:" + origin.port() + "/a.jpg"), JobDeadline.after(Duration.ofSeconds(10))));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(origin.requests()).hasSize(1 + RetryAfter.MAX_WAITS);
        }
    }

    @Test
    void parse_secondsOrHttpDate_otherwiseNull() {
        assertThat(RetryAfter.parse(429, "7", CLOCK)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(503, "Sun, 06 Dec 2026 10:00:30 GMT", CLOCK)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(503, "Sun, 06 Dec 2026 09:00:00 GMT", CLOCK)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse(503, "soon", CLOCK)).isNull();
        assertThat(RetryAfter.parse(500, "7", CLOCK)).isNull();
        assertThat(RetryAfter.parse(429, "99999999999999999999", CLOCK)).isEqualTo(Duration.ofSeconds(999_999_999));
    }
}

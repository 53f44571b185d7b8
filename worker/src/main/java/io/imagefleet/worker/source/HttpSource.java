package io.imagefleet.worker.source;

import io.imagefleet.config.ByteSize;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads {@code http://} and {@code https://} sources with GET. Every hop, the first and each of
 * at most {@value #MAX_REDIRECTS} redirects, is checked by the {@link AddressPolicy} on the
 * address actually connected to (through {@link HttpConnector}); a redirect from https to http
 * is refused. The byte cap is enforced on {@code Content-Length} before reading and on the
 * stream while reading, never buffering past it. Thread-safe.
 *
 * <p>Answers: refused hosts and addresses, 401 and 403 are SOURCE_FORBIDDEN; 404, 410 and other
 * 4xx are SOURCE_NOT_FOUND; 5xx, 408, 429, network errors and timeouts are SOURCE_UNAVAILABLE
 * (retryable); too many bytes is SOURCE_TOO_LARGE. A 429 or 503 whose {@code Retry-After} fits in
 * the job's deadline is waited out and asked again ({@link RetryAfter}).
 */
public final class HttpSource implements Source {
    static final int MAX_REDIRECTS = 3;
    private static final int CHUNK = 64 * 1024;

    private final HttpConnector connector;
    private final long maxBytes;
    private final Clock clock;

    public HttpSource(HttpConnector connector, long maxBytes) {
        this(connector, maxBytes, Clock.systemUTC());
    }

    /** @param clock the wall clock, for a Retry-After given as a date */
    HttpSource(HttpConnector connector, long maxBytes, Clock clock) {
        this.connector = connector;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public SourceBytes fetch(URI uri, JobDeadline deadline) throws JobFailure {
        URI current = uri;
        for (int hop = 0, waits = 0; ; ) {
            checkTarget(current, uri);
            Duration pause;
            try (HttpConnector.Response response = connector.exchange("GET", current, null, null, deadline)) {
                int status = response.status();
                if (isRedirect(status)) {
                    if (hop++ == MAX_REDIRECTS) {
                        throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + redact(uri) + " redirects more than "
                                + MAX_REDIRECTS + " times");
                    }
                    current = nextHop(current, response, uri);
                    continue;
                }
                if (status == 200) {
                    return new SourceBytes(readCapped(current, response, deadline), redact(current));
                }
                pause = waits < RetryAfter.MAX_WAITS ? RetryAfter.pause(status, response.header("Retry-After"), deadline, clock) : null;
                if (pause == null) {
                    throw statusFailure(current, status, response.reason(), RetryAfter.parse(status, response.header("Retry-After"), clock));
                }
            } catch (AddressPolicy.Refused e) {
                throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + redact(current) + " is refused: " + e.getMessage());
            } catch (UnknownHostException e) {
                throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source host " + current.getHost() + " does not resolve");
            } catch (SocketTimeoutException e) {
                deadline.check("fetching " + redact(current));
                throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source " + redact(current) + " timed out: " + e.getMessage());
            } catch (IOException e) {
                deadline.check("fetching " + redact(current));
                throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source " + redact(current) + " cannot be read: " + e);
            }
            // The origin asked for a pause (Retry-After) that fits in the job's deadline: wait, then ask again.
            waits++;
            if (!RetryAfter.sleep(pause)) {
                throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source " + redact(current) + ": interrupted while "
                        + "waiting out its Retry-After");
            }
        }
    }

    private static void checkTarget(URI current, URI original) throws JobFailure {
        String scheme = current.getScheme() == null ? "" : current.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + redact(original) + " redirects to a "
                    + (scheme.isEmpty() ? "relative" : scheme + "://") + " URI, which is not followed");
        }
        if (current.getRawUserInfo() != null) {
            throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + redact(current) + " carries user info, which is not sent");
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI nextHop(URI current, HttpConnector.Response response, URI original) throws JobFailure {
        String location = response.header("Location");
        if (location == null || location.isBlank()) {
            throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source " + redact(current) + " answered "
                    + response.status() + " without a Location");
        }
        URI next;
        try {
            next = current.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + redact(current) + " redirects to a bad URI: " + e.getMessage());
        }
        if ("https".equalsIgnoreCase(current.getScheme()) && "http".equalsIgnoreCase(next.getScheme())) {
            throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + redact(original) + " redirects from https to http ("
                    + redact(next) + "), which is not followed");
        }
        return next;
    }

    private JobFailure statusFailure(URI uri, int status, String reason, Duration retryAfter) {
        String what = "source " + redact(uri) + " answered " + status + (reason.isEmpty() ? "" : " " + reason)
                + (retryAfter == null ? "" : "; its Retry-After of " + retryAfter.toSeconds() + " s does not fit in what is "
                + "left of the job's deadline");
        if (status == 401 || status == 403) {
            return new JobFailure(ErrorCode.SOURCE_FORBIDDEN, what);
        }
        if (status >= 500 || status == 408 || status == 429) {
            return new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, what);
        }
        return new JobFailure(ErrorCode.SOURCE_NOT_FOUND, what);
    }

    private byte[] readCapped(URI uri, HttpConnector.Response response, JobDeadline deadline) throws IOException, JobFailure {
        long declared = response.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(uri, "declares " + ByteSize.format(declared));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : CHUNK, maxBytes));
        byte[] buf = new byte[CHUNK];
        long total = 0;
        try (InputStream in = response.body()) {
            while (true) {
                response.boundNextRead();
                int n = in.read(buf, 0, (int) Math.min(buf.length, maxBytes + 1 - total));
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(uri, "sent more than " + ByteSize.format(maxBytes));
                }
                out.write(buf, 0, n);
                deadline.check("fetching " + redact(uri));
            }
        }
        return out.toByteArray();
    }

    private JobFailure tooLarge(URI uri, String what) {
        return new JobFailure(ErrorCode.SOURCE_TOO_LARGE, "source " + redact(uri) + " " + what
                + "; the limit is " + ByteSize.format(maxBytes) + " (IMAGEFLEET_MAX_SOURCE_BYTES)");
    }

    /** The URI without its query, which may carry a signature. */
    static String redact(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?...";
    }
}

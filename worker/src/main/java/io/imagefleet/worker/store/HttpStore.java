package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.HttpConnector;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Writes outputs with one HTTP PUT each under a presigned prefix: the target's path gets the
 * file name appended and keeps its query (the signature), so {@code
 * https://store.example/bucket/thumbs/?sig=...} and {@code thumb.jpg} give {@code PUT
 * https://store.example/bucket/thumbs/thumb.jpg?sig=...}. Connections obey the same
 * {@link AddressPolicy} as sources, checked on the address connected to; redirects are not
 * followed. The URI reported in the result has no query, so signatures never reach the results
 * topic. Thread-safe.
 *
 * <p>Answers: a refused host or address, a redirect, and 4xx other than 408 and 429 are
 * OUTPUT_FORBIDDEN; 5xx, 408, 429, network errors and timeouts are OUTPUT_FAILED (retryable).
 */
public final class HttpStore implements OutputStore {
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "jpg", "image/jpeg", "png", "image/png", "gif", "image/gif", "bmp", "image/bmp",
            "tiff", "image/tiff", "webp", "image/webp");

    private final HttpConnector connector;

    public HttpStore(HttpConnector connector) {
        this.connector = connector;
    }

    @Override
    public URI store(URI target, String fileName, byte[] bytes, JobDeadline deadline) throws JobFailure {
        URI object = objectUri(target, fileName);
        URI reported = withoutQuery(object);
        try (HttpConnector.Response response = connector.exchange("PUT", object, bytes, contentType(fileName), deadline)) {
            int status = response.status();
            if (status >= 200 && status < 300) {
                return reported;
            }
            String what = "output " + fileName + " was not stored: PUT " + reported + " answered " + status
                    + (response.reason().isEmpty() ? "" : " " + response.reason());
            if (status >= 500 || status == 408 || status == 429) {
                throw new JobFailure(ErrorCode.OUTPUT_FAILED, what);
            }
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, what);
        } catch (AddressPolicy.Refused e) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "target " + reported + " is refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new JobFailure(ErrorCode.OUTPUT_FAILED, "target host " + target.getHost() + " does not resolve");
        } catch (IOException e) {
            deadline.check("storing " + fileName);
            throw new JobFailure(ErrorCode.OUTPUT_FAILED, "output " + fileName + " was not stored at " + reported + ": " + e);
        }
    }

    static URI objectUri(URI target, String fileName) throws JobFailure {
        if (target.getHost() == null || target.getRawUserInfo() != null || target.getRawFragment() != null) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "target " + withoutQuery(target)
                    + " must be an http(s) URI with a host and no user info or fragment");
        }
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        if (!path.endsWith("/")) {
            path += "/";
        }
        String s = target.getScheme().toLowerCase(Locale.ROOT) + "://" + target.getRawAuthority() + path + fileName
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "target " + withoutQuery(target) + " cannot take " + fileName + ": " + e.getMessage());
        }
    }

    private static URI withoutQuery(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getRawAuthority() == null ? null : uri.getAuthority(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            return URI.create(uri.getScheme() + "://" + uri.getHost() + "/");
        }
    }

    private static String contentType(String fileName) {
        String ext = fileName.substring(fileName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }
}

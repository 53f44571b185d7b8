package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.HttpConnector;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Writes outputs with one HTTP PUT each, either to an output's exact {@code uri} (a presigned
 * PUT URL, which signs one exact key: nothing is appended, the URL is sent as given) or under a
 * {@code target} prefix for stores that grant one: the target's path gets the file name appended
 * and keeps its query, so {@code https://store.example/bucket/thumbs/?sig=...} and
 * {@code thumb.jpg} give {@code PUT https://store.example/bucket/thumbs/thumb.jpg?sig=...}.
 * PUTs to Azure Blob Storage ({@code *.blob.core.windows.net}) send
 * {@code x-ms-blob-type: BlockBlob}, which its Put Blob requires. Connections obey the same
 * {@link AddressPolicy} as sources, checked on the address connected to; redirects are not
 * followed. The URI reported in the result has no query, so signatures never reach the results
 * topic. Thread-safe.
 *
 * <p>Answers: a refused host or address, a redirect, and 4xx other than 408 and 429 are
 * OUTPUT_FORBIDDEN; 5xx, 408, 429, network errors and timeouts are OUTPUT_FAILED (retryable).
 */
public final class HttpStore implements OutputStore {
    private static final String AZURE_BLOB_SUFFIX = ".blob.core.windows.net";

    private final HttpConnector connector;

    public HttpStore(HttpConnector connector) {
        this.connector = connector;
    }

    @Override
    public URI store(URI target, StoredOutput output, JobDeadline deadline) throws JobFailure {
        return put(objectUri(target, output.fileName()), output, deadline);
    }

    @Override
    public URI storeExact(URI uri, StoredOutput output, JobDeadline deadline) throws JobFailure {
        checkObjectUri(uri);
        return put(uri, output, deadline);
    }

    private URI put(URI object, StoredOutput output, JobDeadline deadline) throws JobFailure {
        URI reported = withoutQuery(object);
        String fileName = output.fileName();
        HttpConnector.Request request = new HttpConnector.Request("PUT", object, output.bytes(), output.contentType(),
                headersFor(object));
        try (HttpConnector.Response response = connector.exchange(request, deadline)) {
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
            throw new JobFailure(ErrorCode.OUTPUT_FAILED, "target host " + object.getHost() + " does not resolve");
        } catch (IOException e) {
            deadline.check("storing " + fileName);
            throw new JobFailure(ErrorCode.OUTPUT_FAILED, "output " + fileName + " was not stored at " + reported + ": " + e);
        }
    }

    /** Azure's Put Blob needs the blob type; S3, GCS and the rest take the PUT as it is. */
    static Map<String, String> headersFor(URI object) {
        String host = object.getHost() == null ? "" : object.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(AZURE_BLOB_SUFFIX) ? Map.of("x-ms-blob-type", "BlockBlob") : Map.of();
    }

    private static void checkObjectUri(URI uri) throws JobFailure {
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "uri " + withoutQuery(uri)
                    + " must be an http(s) URI with a host and no user info or fragment");
        }
    }

    static URI objectUri(URI target, String fileName) throws JobFailure {
        checkObjectUri(target);
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
}

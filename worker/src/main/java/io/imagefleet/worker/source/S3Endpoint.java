package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.config.S3Settings;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The configured S3-compatible store ({@code IMAGEFLEET_S3_*}): one S3 client with pooled
 * connections shared by every {@code s3://} source and target, the bucket allow-list, and the
 * store's {@link StoreBreaker}. The endpoint is the operator's choice and is trusted as
 * configured (it may sit on a private address); a job names only a bucket and a key, and a
 * bucket name can only address a bucket of that endpoint. Credentials come from the AWS SDK's
 * default chain. Thread-safe; close it when the worker stops.
 */
public final class S3Endpoint implements AutoCloseable {
    static final int BREAKER_THRESHOLD = 3;
    static final Duration BREAKER_FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration BREAKER_MAX_PAUSE = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_CONNECTIONS = 64;

    private final S3Client client;
    private final S3Settings settings;
    private final StoreBreaker breaker;
    private volatile String lastBucket;

    S3Endpoint(S3Client client, S3Settings settings) {
        this.client = client;
        this.settings = settings;
        this.breaker = new StoreBreaker("s3 " + describe(settings), BREAKER_THRESHOLD, BREAKER_FIRST_PAUSE,
                BREAKER_MAX_PAUSE, this::probe, System::nanoTime);
    }

    /**
     * The endpoint of these settings. The SDK's checksums are computed and validated only where S3
     * requires them: S3-compatible stores differ in which of the newer checksum headers and
     * trailers they accept, and a whole-object SHA-256 is reported in every result anyway.
     */
    public static S3Endpoint of(S3Settings settings, Duration connectTimeout) {
        return of(settings, connectTimeout, DefaultCredentialsProvider.builder().build());
    }

    /** The same with given credentials (tools and tests; a worker uses the default chain). */
    public static S3Endpoint of(S3Settings settings, Duration connectTimeout, AwsCredentialsProvider credentials) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(Duration.ofSeconds(30))
                        .connectionMaxIdleTime(Duration.ofSeconds(30)));
        settings.endpoint().ifPresent(b::endpointOverride);
        return new S3Endpoint(b.build(), settings);
    }

    S3Client client() {
        return client;
    }

    S3Settings settings() {
        return settings;
    }

    public StoreBreaker breaker() {
        return breaker;
    }

    /**
     * Writes one object (for the output store): Content-Type, the configured Cache-Control, and the
     * job id as user metadata.
     */
    public void put(S3Location location, byte[] bytes, String contentType, String jobId, JobDeadline deadline)
            throws JobFailure {
        checkAllowed(location, "output", ErrorCode.OUTPUT_FORBIDDEN);
        String what = "output " + location;
        try {
            call(deadline, timeout -> client.putObject(PutObjectRequest.builder()
                    .bucket(location.bucket()).key(location.key())
                    .contentType(contentType).contentLength((long) bytes.length)
                    .cacheControl(settings.cacheControl().orElse(null))
                    .metadata(Map.of("job-id", jobId))
                    .overrideConfiguration(c -> c.apiCallTimeout(timeout)).build(), RequestBody.fromBytes(bytes)));
        } catch (SdkException | IOException | Unavailable e) {
            throw failure(e, what, deadline, Codes.OUTPUT);
        }
    }

    /** Refuses a bucket outside {@code IMAGEFLEET_S3_BUCKETS}, before any request. */
    void checkAllowed(S3Location location, String what, ErrorCode forbidden) throws JobFailure {
        if (!settings.allows(location.bucket())) {
            throw new JobFailure(forbidden, what + " " + location + " is in bucket '" + location.bucket()
                    + "', which is not in IMAGEFLEET_S3_BUCKETS " + settings.buckets());
        }
        lastBucket = location.bucket();
    }

    /** One request (and whatever it reads) against the store. */
    @FunctionalInterface
    interface Call<T> {
        T run(Duration timeout) throws IOException, JobFailure;
    }

    /**
     * Runs a request through the breaker: waits while the store is down for everyone (bounded by
     * the job's deadline), and when a request finds the store down and the breaker open, waits and
     * sends it again rather than failing the job. Failures the store answered (404, 403...) and
     * failures that did not open the breaker are thrown for the caller to classify.
     *
     * @throws Unavailable when the deadline passed while the store was down
     */
    <T> T call(JobDeadline deadline, Call<T> call) throws IOException, JobFailure, Unavailable {
        while (true) {
            try {
                if (!breaker.awaitClosed(deadline)) {
                    throw new Unavailable("the store has been down (circuit open) until the job's deadline");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while waiting for the store");
            }
            try {
                T result = call.run(Duration.ofNanos(Math.max(1_000_000, deadline.remainingNanos())));
                breaker.succeeded();
                return result;
            } catch (JobFailure f) {
                if (f.code() != ErrorCode.TIMEOUT) {
                    breaker.succeeded(); // the store answered; what it sent is the job's problem (too large, say)
                }
                throw f;
            } catch (SdkException | IOException e) {
                if (!isStoreDown(e, deadline)) {
                    if (e instanceof AwsServiceException) {
                        breaker.succeeded();
                    }
                    throw e;
                }
                if (!breaker.failed() || deadline.expired()) {
                    throw e;
                }
            }
        }
    }

    /** Whether a failure says the store itself is down (no answer, or a 5xx), not that this request was refused. */
    static boolean isStoreDown(Exception e, JobDeadline deadline) {
        if (e instanceof AwsServiceException s) {
            return s.statusCode() >= 500;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return !deadline.expired();
        }
        return (e instanceof SdkClientException || e instanceof IOException) && !isCredentialProblem(e);
    }

    static boolean isCredentialProblem(Exception e) {
        String m = e.getMessage();
        return e instanceof SdkClientException && m != null && m.contains("credentials");
    }

    /** Any answer from the store but a 5xx means it is up. */
    private boolean probe() {
        String bucket = lastBucket;
        try {
            if (bucket == null) {
                client.listBuckets(r -> r.overrideConfiguration(c -> c.apiCallTimeout(PROBE_TIMEOUT)));
            } else {
                client.headBucket(r -> r.bucket(bucket).overrideConfiguration(c -> c.apiCallTimeout(PROBE_TIMEOUT)));
            }
            return true;
        } catch (AwsServiceException e) {
            return e.statusCode() < 500;
        } catch (SdkException e) {
            return false;
        }
    }

    /** The codes one side (sources or outputs) answers with. */
    record Codes(ErrorCode notFound, ErrorCode forbidden, ErrorCode unavailable) {
        static final Codes SOURCE = new Codes(ErrorCode.SOURCE_NOT_FOUND, ErrorCode.SOURCE_FORBIDDEN, ErrorCode.SOURCE_UNAVAILABLE);
        static final Codes OUTPUT = new Codes(ErrorCode.OUTPUT_FORBIDDEN, ErrorCode.OUTPUT_FORBIDDEN, ErrorCode.OUTPUT_FAILED);
    }

    /**
     * The job's failure for a request that failed: 404 (NoSuchKey, NoSuchBucket) and other 4xx are
     * not found; 401 and 403 forbidden; 5xx, 408, 429 (throttling), network errors and timeouts
     * unavailable (retryable); past the job's deadline, TIMEOUT.
     *
     * @param what "source s3://b/k" or "output thumb at s3://b/k", for the message
     */
    static JobFailure failure(Exception e, String what, JobDeadline deadline, Codes codes) {
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? ""
                    : " " + s.awsErrorDetails().errorCode();
            String message = what + ": the store answered " + status + code;
            if (status == 401 || status == 403) {
                return new JobFailure(codes.forbidden(), message, e);
            }
            if (status >= 500 || status == 408 || status == 429 || s.isThrottlingException()) {
                return new JobFailure(codes.unavailable(), message, e);
            }
            return new JobFailure(codes.notFound(), message, e);
        }
        if (deadline.expired()) {
            return deadline.timedOut("talking to the store about " + what);
        }
        if (isCredentialProblem(e)) {
            return new JobFailure(codes.forbidden(), what + ": the worker has no usable S3 credentials: " + e.getMessage(), e);
        }
        if (e instanceof Unavailable) {
            return new JobFailure(codes.unavailable(), what + ": " + e.getMessage(), e);
        }
        return new JobFailure(codes.unavailable(), what + ": the store cannot be reached: " + e.getMessage(), e);
    }

    /** The store, for messages: its endpoint or AWS, and the region. */
    static String describe(S3Settings settings) {
        return settings.endpoint().map(URI::toString).orElse("AWS") + " (" + settings.region() + ")";
    }

    @Override
    public void close() {
        client.close();
    }

    /** The store stayed down until the job's deadline. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }
}

package io.imagefleet.local.storage;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.config.S3Settings;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.HttpConnector;
import io.imagefleet.worker.source.S3Endpoint;
import io.imagefleet.worker.source.S3Source;
import io.imagefleet.worker.source.SourceBytes;
import io.imagefleet.worker.store.HttpStore;
import io.imagefleet.worker.store.OutputStores;
import io.imagefleet.worker.store.S3Store;
import io.imagefleet.worker.store.StoredOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import javax.net.ssl.SSLSocketFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** s3:// sources and targets, and presigned exact targets, against the real embedded S3 server (S3Proxy). */
class S3RoundTripTest {
    private static final long CAP = 64 * 1024;

    @TempDir
    static Path dir;

    private static EmbeddedStorage storage;
    private static S3Client admin;

    @BeforeAll
    static void start() {
        storage = EmbeddedStorage.onFreePort(dir.resolve("s3"), List.of("photos", "private")).start();
        admin = storage.client();
    }

    @AfterAll
    static void stop() {
        admin.close();
        storage.stop();
    }

    private static S3Endpoint endpoint(Map<String, String> extra, String accessKey, String secretKey) {
        Map<String, String> env = new HashMap<>(Map.of("IMAGEFLEET_S3_ENDPOINT", storage.endpoint().toString()));
        env.putAll(extra);
        S3Settings settings = WorkerConfig.fromEnv(env).s3();
        return S3Endpoint.of(settings, Duration.ofSeconds(2),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    }

    private static S3Endpoint endpoint(Map<String, String> extra) {
        return endpoint(extra, storage.accessKey(), storage.secretKey());
    }

    private static JobDeadline deadline() {
        return JobDeadline.after(Duration.ofSeconds(30));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void fetch_objectInBucket_readsItsBytes() throws Exception {
        byte[] content = bytes(40_000);
        admin.putObject(r -> r.bucket("photos").key("in/a b.jpg"), RequestBody.fromBytes(content));
        try (S3Endpoint s3 = endpoint(Map.of())) {
            SourceBytes got = new S3Source(s3, CAP).fetch(URI.create("s3://photos/in/a%20b.jpg"), deadline());

            assertThat(got.bytes()).isEqualTo(content);
            assertThat(got.origin()).isEqualTo("s3://photos/in/a b.jpg");
        }
    }

    @Test
    void store_underPrefix_writesDeterministicKeyWithTypeCacheControlAndJobId() throws Exception {
        byte[] first = bytes(1000);
        byte[] second = bytes(2000);
        try (S3Endpoint s3 = endpoint(Map.of("IMAGEFLEET_S3_CACHE_CONTROL", "public, max-age=60"))) {
            S3Store store = new S3Store(s3);
            URI uri = store.store(URI.create("s3://photos/out/"), new StoredOutput("p-1", "p-1-thumb.jpg", first), deadline());
            URI again = store.store(URI.create("s3://photos/out/"), new StoredOutput("p-1", "p-1-thumb.jpg", second), deadline());

            assertThat(uri).isEqualTo(URI.create("s3://photos/out/p-1-thumb.jpg")).isEqualTo(again);
            HeadObjectResponse head = admin.headObject(r -> r.bucket("photos").key("out/p-1-thumb.jpg"));
            assertThat(head.contentType()).isEqualTo("image/jpeg");
            assertThat(head.cacheControl()).isEqualTo("public, max-age=60");
            assertThat(head.metadata()).containsEntry("job-id", "p-1");
            assertThat(admin.getObjectAsBytes(r -> r.bucket("photos").key("out/p-1-thumb.jpg")).asByteArray())
                    .isEqualTo(second);
        }
    }

    @Test
    void store_exactS3Uri_writesThatKey() throws Exception {
        try (S3Endpoint s3 = endpoint(Map.of())) {
            URI uri = new OutputStores(Map.of("s3", new S3Store(s3))).store(
                    OutputSpec.toUri("thumb", List.of(), Format.PNG, null, "s3://photos/exact/name.png"),
                    new StoredOutput("p2", "p2-thumb.png", bytes(10)), deadline());

            assertThat(uri).isEqualTo(URI.create("s3://photos/exact/name.png"));
            assertThat(admin.headObject(r -> r.bucket("photos").key("exact/name.png")).contentType()).isEqualTo("image/png");
        }
    }

    @Test
    void fetch_missingKey_sourceNotFound() throws Exception {
        try (S3Endpoint s3 = endpoint(Map.of())) {
            JobFailure f = catchThrowableOfType(JobFailure.class,
                    () -> new S3Source(s3, CAP).fetch(URI.create("s3://photos/in/missing.jpg"), deadline()));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND);
            assertThat(f.getMessage()).contains("s3://photos/in/missing.jpg").contains("404");
        }
    }

    @Test
    void fetchAndStore_bucketThatDoesNotExist_sourceNotFoundAndOutputForbidden() throws Exception {
        try (S3Endpoint s3 = endpoint(Map.of())) {
            JobFailure source = catchThrowableOfType(JobFailure.class,
                    () -> new S3Source(s3, CAP).fetch(URI.create("s3://no-such-bucket/a.jpg"), deadline()));
            JobFailure target = catchThrowableOfType(JobFailure.class, () -> new S3Store(s3)
                    .store(URI.create("s3://no-such-bucket/out/"), new StoredOutput("p", "p-t.jpg", bytes(10)), deadline()));

            assertThat(source.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND);
            assertThat(target.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
            assertThat(target.retryable()).isFalse();
        }
    }

    @Test
    void fetchAndStore_bucketOutsideAllowList_forbiddenWithoutARequest() throws Exception {
        // An endpoint where nothing listens: a request would fail unavailable, not forbidden.
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        S3Settings settings = WorkerConfig.fromEnv(Map.of("IMAGEFLEET_S3_ENDPOINT", "http://127.0.0.1:" + closed,
                "IMAGEFLEET_S3_BUCKETS", "photos")).s3();
        try (S3Endpoint s3 = S3Endpoint.of(settings, Duration.ofSeconds(1),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))) {
            JobFailure source = catchThrowableOfType(JobFailure.class,
                    () -> new S3Source(s3, CAP).fetch(URI.create("s3://private/a.jpg"), deadline()));
            JobFailure target = catchThrowableOfType(JobFailure.class, () -> new S3Store(s3)
                    .store(URI.create("s3://private/out/"), new StoredOutput("p", "p-t.jpg", bytes(10)), deadline()));

            assertThat(source.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(source.getMessage()).contains("IMAGEFLEET_S3_BUCKETS");
            assertThat(target.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
            assertThat(s3.breaker().state()).isEqualTo(io.imagefleet.worker.source.StoreBreaker.State.CLOSED);
        }
    }

    @Test
    void fetch_wrongCredentials_sourceForbidden() throws Exception {
        admin.putObject(r -> r.bucket("photos").key("in/secret.jpg"), RequestBody.fromBytes(bytes(10)));
        try (S3Endpoint s3 = endpoint(Map.of(), storage.accessKey(), "not-the-secret")) {
            JobFailure f = catchThrowableOfType(JobFailure.class,
                    () -> new S3Source(s3, CAP).fetch(URI.create("s3://photos/in/secret.jpg"), deadline()));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
            assertThat(f.getMessage()).contains("403");
        }
    }

    @Test
    void fetch_objectOverTheCap_sourceTooLargeBeforeItsBodyIsRead() throws Exception {
        admin.putObject(r -> r.bucket("photos").key("in/big.jpg"), RequestBody.fromBytes(bytes((int) CAP + 1)));
        try (S3Endpoint s3 = endpoint(Map.of())) {
            JobFailure f = catchThrowableOfType(JobFailure.class,
                    () -> new S3Source(s3, CAP).fetch(URI.create("s3://photos/in/big.jpg"), deadline()));

            assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_TOO_LARGE);
            assertThat(f.getMessage()).contains("IMAGEFLEET_MAX_SOURCE_BYTES");
            // The connection was aborted, not drained: the pool still serves the next request.
            assertThat(new S3Source(s3, 2 * CAP).fetch(URI.create("s3://photos/in/big.jpg"), deadline()).length())
                    .isEqualTo(CAP + 1);
        }
    }

    @Test
    void storeExact_urlPresignedBySdk_putsTheObjectThere() throws Exception {
        byte[] content = bytes(5000);
        URI presigned;
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(storage.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(EmbeddedStorage.REGION))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(storage.accessKey(), storage.secretKey()))).build()) {
            presigned = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(r -> r.bucket("photos").key("presigned/p3-thumb.jpg"))).url().toURI();
        }
        HttpStore store = new HttpStore(new HttpConnector(new AddressPolicy(List.of(), true),
                (SSLSocketFactory) SSLSocketFactory.getDefault(), Duration.ofSeconds(5), "test"));

        URI uri = new OutputStores(Map.of("http", store)).store(
                OutputSpec.toUri("thumb", List.of(), Format.JPEG, 85, presigned.toString()),
                new StoredOutput("p3", "p3-thumb.jpg", content), deadline());

        assertThat(uri.toString()).isEqualTo(storage.endpoint() + "/photos/presigned/p3-thumb.jpg");
        assertThat(admin.getObjectAsBytes(r -> r.bucket("photos").key("presigned/p3-thumb.jpg")).asByteArray())
                .isEqualTo(content);
    }

    @Test
    void storeExact_presignedUrlWithAnotherKeyAppended_refusedByTheStore() throws Exception {
        URI presigned;
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(storage.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(EmbeddedStorage.REGION))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(storage.accessKey(), storage.secretKey()))).build()) {
            presigned = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(r -> r.bucket("photos").key("thumbs/"))).url().toURI();
        }
        HttpStore store = new HttpStore(new HttpConnector(new AddressPolicy(List.of(), true),
                (SSLSocketFactory) SSLSocketFactory.getDefault(), Duration.ofSeconds(5), "test"));

        // What a "presigned prefix" target does: append the name to a URL signed for another key.
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> store.store(presigned,
                new StoredOutput("p4", "p4-thumb.jpg", bytes(10)), deadline()));

        assertThat(f.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
        assertThat(f.getMessage()).contains("403");
    }
}

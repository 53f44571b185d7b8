package io.imagefleet.worker.config;

import io.imagefleet.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3SettingsTest {
    @Test
    void fromEnv_nothingSet_awsInUsEast1VirtualHostedAnyBucket() {
        S3Settings s3 = WorkerConfig.fromEnv(Map.of()).s3();

        assertThat(s3.endpoint()).isEmpty();
        assertThat(s3.region()).isEqualTo("us-east-1");
        assertThat(s3.pathStyle()).isFalse();
        assertThat(s3.allows("anything")).isTrue();
        assertThat(s3.cacheControl()).isEmpty();
    }

    @Test
    void fromEnv_endpointSet_pathStyleByDefaultAndBucketsAllowListed() {
        S3Settings s3 = WorkerConfig.fromEnv(Map.of(
                "IMAGEFLEET_S3_ENDPOINT", "http://10.0.0.5:9000",
                "IMAGEFLEET_S3_BUCKETS", "photos, thumbs",
                "IMAGEFLEET_S3_CACHE_CONTROL", "public, max-age=31536000, immutable")).s3();

        assertThat(s3.endpoint()).contains(URI.create("http://10.0.0.5:9000"));
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.allows("photos")).isTrue();
        assertThat(s3.allows("other")).isFalse();
        assertThat(s3.cacheControl()).isEqualTo(Optional.of("public, max-age=31536000, immutable"));
    }

    @Test
    void fromEnv_endpointWithPathStyleOff_virtualHosted() {
        S3Settings s3 = WorkerConfig.fromEnv(Map.of("IMAGEFLEET_S3_ENDPOINT", "https://s3.example.com",
                "IMAGEFLEET_S3_PATH_STYLE", "false")).s3();

        assertThat(s3.pathStyle()).isFalse();
    }

    @Test
    void fromEnv_badValues_everyKeyNamed() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(
                "IMAGEFLEET_S3_ENDPOINT", "ftp://store",
                "IMAGEFLEET_S3_REGION", "US East",
                "IMAGEFLEET_S3_PATH_STYLE", "maybe",
                "IMAGEFLEET_S3_BUCKETS", "ok-bucket,Bad_Bucket",
                "IMAGEFLEET_S3_CACHE_CONTROL", "max-age=1\u0007 public")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "IMAGEFLEET_S3_ENDPOINT must be an http or https URL such as http://minio:9000, got 'ftp://store'",
                        "IMAGEFLEET_S3_REGION must be a region name such as us-east-1, got 'US East'",
                        "IMAGEFLEET_S3_PATH_STYLE must be true or false, got 'maybe'",
                        "IMAGEFLEET_S3_BUCKETS must list bucket names (3-63 of a-z, 0-9, '.' and '-'), got 'Bad_Bucket'",
                        "IMAGEFLEET_S3_CACHE_CONTROL must be printable ASCII (a Cache-Control header value), got 'max-age=1\u0007 public'"));
    }
}

package io.imagefleet.worker.config;

import io.imagefleet.config.Env;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where {@code s3://} sources and targets are read and written. Immutable. Credentials are not
 * here: they come from the AWS SDK's default chain (environment, web identity, profiles).
 *
 * @param endpoint     {@code IMAGEFLEET_S3_ENDPOINT}: an S3-compatible store's URL (MinIO, Ceph RGW, R2...);
 *                     empty for AWS. Trusted as configured: the address checks of job-supplied URLs do not apply
 * @param region       {@code IMAGEFLEET_S3_REGION}: the signing region
 * @param pathStyle    {@code IMAGEFLEET_S3_PATH_STYLE}: {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key};
 *                     true by default when an endpoint is set
 * @param buckets      {@code IMAGEFLEET_S3_BUCKETS}: the buckets jobs may read or write; empty for any the credentials allow
 * @param cacheControl {@code IMAGEFLEET_S3_CACHE_CONTROL}: the Cache-Control written with every output, if any
 */
public record S3Settings(Optional<URI> endpoint, String region, boolean pathStyle, List<String> buckets,
                         Optional<String> cacheControl) {
    public static final String DEFAULT_REGION = "us-east-1";
    private static final Pattern REGION = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");
    /** S3's bucket naming rules: 3-63 of lower-case letters, digits, dots and hyphens, a letter or digit at each end. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7e]+");

    public S3Settings {
        buckets = List.copyOf(buckets);
    }

    /** Whether jobs may name this bucket. */
    public boolean allows(String bucket) {
        return buckets.isEmpty() || buckets.contains(bucket);
    }

    static S3Settings fromEnv(Env env) {
        Optional<URI> endpoint = env.get("IMAGEFLEET_S3_ENDPOINT").flatMap(s -> endpoint(env, s));
        String region = env.string("IMAGEFLEET_S3_REGION", DEFAULT_REGION);
        if (!REGION.matcher(region).matches()) {
            env.reject("IMAGEFLEET_S3_REGION must be a region name such as us-east-1, got '" + region + "'");
        }
        boolean pathStyle = env.bool("IMAGEFLEET_S3_PATH_STYLE", endpoint.isPresent());
        List<String> buckets = env.list("IMAGEFLEET_S3_BUCKETS");
        for (String b : buckets) {
            if (!BUCKET.matcher(b).matches()) {
                env.reject("IMAGEFLEET_S3_BUCKETS must list bucket names (3-63 of a-z, 0-9, '.' and '-'), got '" + b + "'");
            }
        }
        Optional<String> cacheControl = env.get("IMAGEFLEET_S3_CACHE_CONTROL");
        cacheControl.filter(c -> !HEADER_VALUE.matcher(c).matches()).ifPresent(c -> env.reject(
                "IMAGEFLEET_S3_CACHE_CONTROL must be printable ASCII (a Cache-Control header value), got '" + c + "'"));
        return new S3Settings(endpoint, region, pathStyle, buckets, cacheControl);
    }

    private static Optional<URI> endpoint(Env env, String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below, with the rule
        }
        env.reject("IMAGEFLEET_S3_ENDPOINT must be an http or https URL such as http://minio:9000, got '" + value + "'");
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "{endpoint=" + endpoint.map(URI::toString).orElse("AWS") + ", region=" + region + ", pathStyle=" + pathStyle
                + ", buckets=" + (buckets.isEmpty() ? "any" : buckets) + ", cacheControl=" + cacheControl.orElse("none") + "}";
    }
}

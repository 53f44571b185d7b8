package io.imagefleet.worker.config;

import io.imagefleet.config.Durations;
import io.imagefleet.config.Env;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the worker's outbound HTTP (http/https sources, https PUT targets) may reach. Immutable.
 *
 * @param allowHosts     {@code IMAGEFLEET_HTTP_ALLOW_HOSTS}: host names (lower case; {@code *.example.com}
 *                       for subdomains) that may resolve to non-public addresses
 * @param allowPrivate   {@code IMAGEFLEET_HTTP_ALLOW_PRIVATE}: allow loopback, private, unique-local and
 *                       shared addresses for every host
 * @param connectTimeout {@code IMAGEFLEET_HTTP_CONNECT_TIMEOUT}: how long one connection attempt may take
 */
public record HttpSettings(List<String> allowHosts, boolean allowPrivate, Duration connectTimeout) {
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    public HttpSettings {
        allowHosts = List.copyOf(allowHosts);
    }

    static HttpSettings fromEnv(Env env) {
        List<String> hosts = env.list("IMAGEFLEET_HTTP_ALLOW_HOSTS").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        for (String h : hosts) {
            if (!HOST.matcher(h).matches()) {
                env.reject("IMAGEFLEET_HTTP_ALLOW_HOSTS must list host names such as cdn.example.com or *.example.com, got '"
                        + h + "'");
            }
        }
        HttpSettings s = new HttpSettings(hosts, env.bool("IMAGEFLEET_HTTP_ALLOW_PRIVATE", false),
                env.duration("IMAGEFLEET_HTTP_CONNECT_TIMEOUT", Duration.ofSeconds(5)));
        if (s.connectTimeout().isNegative() || s.connectTimeout().isZero()) {
            env.reject("IMAGEFLEET_HTTP_CONNECT_TIMEOUT must be positive, got " + Durations.format(s.connectTimeout()));
        }
        return s;
    }

    @Override
    public String toString() {
        return "{allowHosts=" + allowHosts + ", allowPrivate=" + allowPrivate + ", connectTimeout="
                + Durations.format(connectTimeout) + "}";
    }
}

package io.imagefleet.local.bench;

import java.util.Map;
import java.util.function.Function;

/**
 * Where a fleet run reads its sources from and writes its outputs to when not from and to files:
 * a local HTTP server with a set latency per request, or the embedded S3 server. Immutable.
 *
 * @param name   how the report names it ("http +100ms", "s3")
 * @param served what serves it, for the report
 * @param uri    the source URI of each image
 * @param target the outputs' target, or null to keep writing files
 * @param env    the worker settings it needs (the S3 endpoint and keys, the loopback opt-in)
 */
record RemoteSource(String name, String served, Function<ImageSet.Image, String> uri, String target,
                    Map<String, String> env) {
    RemoteSource {
        env = Map.copyOf(env);
    }
}

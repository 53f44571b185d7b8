package io.imagefleet.sample;

import io.imagefleet.client.ClientConfig;
import io.imagefleet.client.FleetClient;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import org.apache.kafka.common.utils.AppInfoParser;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A service that uses the fleet through imagefleet-client alone: it asks for a 256 px JPEG
 * thumbnail of one image, waits for the result on the future and prints it.
 * Configured like any client: {@code IMAGEFLEET_BOOTSTRAP_SERVERS}, {@code IMAGEFLEET_JOBS_TOPIC},
 * {@code IMAGEFLEET_RESULTS_TOPIC}, {@code IMAGEFLEET_CLIENT_TIMEOUT}.
 *
 * <p>Usage: {@code ThumbnailService <source uri> <target prefix>}; exits 0 when the job succeeded.
 */
public final class ThumbnailService {
    private ThumbnailService() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ThumbnailService <source uri> <target prefix>");
            System.exit(2);
        }
        System.out.println("kafka-clients " + AppInfoParser.getVersion());
        try (FleetClient fleet = FleetClient.start(ClientConfig.fromEnv(System.getenv()))) {
            Job job = Job.builder("sample-" + UUID.randomUUID().toString().substring(0, 8), args[0])
                    .output(OutputSpec.builder("thumb").resize(256, 256).format(Format.JPEG).quality(85).target(args[1]).build())
                    .build();
            Result result = fleet.submit(job, Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                    .get();
            System.out.println("result " + new String(new ResultCodec().encode(result), StandardCharsets.UTF_8));
            System.exit(result.succeeded() ? 0 : 1);
        }
    }
}

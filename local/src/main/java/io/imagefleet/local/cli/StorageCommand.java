package io.imagefleet.local.cli;

import io.imagefleet.local.storage.EmbeddedStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code imagefleet storage}: the embedded S3-compatible server in the foreground until Ctrl-C or SIGTERM. */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "Run the embedded S3-compatible server (S3Proxy on files) in the foreground until Ctrl-C or SIGTERM.")
final class StorageCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on, on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 9000;

    @Option(names = "--data-dir", description = "Where the objects and the server's log are kept (default ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "imagefleet-storage");

    @Option(names = "--bucket", paramLabel = "NAME", description = "A bucket to create (repeatable; default: photos).")
    List<String> buckets = new ArrayList<>();

    @Option(names = "--access-key", description = "The access key clients sign with (default ${DEFAULT-VALUE}).")
    String accessKey = EmbeddedStorage.DEFAULT_ACCESS_KEY;

    @Option(names = "--secret-key", description = "The secret key clients sign with (default ${DEFAULT-VALUE}).")
    String secretKey = EmbeddedStorage.DEFAULT_SECRET_KEY;

    @Override
    public Integer call() throws InterruptedException {
        List<String> names = buckets.isEmpty() ? List.of("photos") : buckets;
        EmbeddedStorage storage = new EmbeddedStorage(dataDir, port, accessKey, secretKey, names).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping the S3 server...");
            storage.stop();
            stopped.countDown();
        }, "storage-stop"));
        System.err.println("S3 server ready on " + storage.endpoint() + " (region " + EmbeddedStorage.REGION
                + "); buckets: " + String.join(", ", names) + "; objects and log in " + storage.dataDir()
                + "; Ctrl-C stops it");
        System.err.println("a worker and the AWS CLI reach it with:");
        storage.clientEnv().forEach((k, v) -> System.out.println("export " + k + "=" + v));
        stopped.await();
        return 0;
    }
}

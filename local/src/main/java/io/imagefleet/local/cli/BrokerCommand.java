package io.imagefleet.local.cli;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.broker.EmbeddedBroker;
import io.imagefleet.local.broker.TopicSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code imagefleet broker}: a single-node KRaft broker in the foreground until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded single-node Kafka broker (KRaft) in the foreground until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on (default 9092; 0 picks a free one).")
    int port = 9092;

    @Option(names = "--data-dir", description = "Where the broker keeps its data and log (default ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "imagefleet-broker");

    @Option(names = "--partitions", description = "Partitions of the jobs, results and DLQ topics (default ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(names = "--no-topics", negatable = true, description = "Do not create the imagefleet topics.")
    boolean createTopics = true;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedBroker broker = new EmbeddedBroker(dataDir, port, partitions).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping the broker...");
            broker.stop();
            stopped.countDown();
        }, "broker-stop"));
        if (createTopics) {
            Topics topics = Topics.fromEnv(new io.imagefleet.config.Env(System.getenv()));
            TopicSetup.ensure(KafkaSettings.of(broker.bootstrapServers()), topics, partitions, (short) 1);
            System.err.println("topics: " + topics.jobs() + ", " + topics.results() + ", " + topics.dlq()
                    + " (" + partitions + " partitions)");
        }
        System.err.println("broker ready on " + broker.bootstrapServers() + "; data and log in " + broker.dataDir()
                + "; Ctrl-C stops it");
        System.out.println(broker.bootstrapServers());
        stopped.await();
        return 0;
    }
}

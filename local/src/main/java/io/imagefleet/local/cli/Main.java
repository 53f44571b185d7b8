package io.imagefleet.local.cli;

import io.imagefleet.config.ConfigException;
import io.imagefleet.local.bench.BenchCommand;
import io.imagefleet.local.status.StatusCommand;
import io.imagefleet.producer.cli.DlqCommand;
import io.imagefleet.producer.cli.ResultsCommand;
import io.imagefleet.producer.cli.SubmitCommand;
import io.imagefleet.worker.WorkerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code imagefleet} command line: one launcher, a subcommand per job. */
@Command(name = "imagefleet", mixinStandardHelpOptions = true, version = "imagefleet 0.1.0",
        description = "A queue-driven image-processing fleet: Kafka in, isolated worker JVMs, results out.",
        subcommands = {DemoCommand.class, BrokerCommand.class, StorageCommand.class, WorkerCommand.class, SubmitCommand.class,
                ResultsCommand.class, StatusCommand.class, DlqCommand.class, BenchCommand.class,
                io.imagefleet.local.doctor.DoctorCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}

package io.imagefleet.local.doctor;

import io.imagefleet.local.SharedKafka;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorCommandTest {
    private final StringWriter out = new StringWriter();

    private int doctor(String... args) {
        CommandLine cli = new CommandLine(new DoctorCommand());
        cli.setOut(new PrintWriter(out));
        return cli.execute(args);
    }

    @Test
    void doctor_withARunningBroker_reportsTheJdkCodecsAndTheClusterAndExitsZero() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = free.getLocalPort();
            free.close();

            int code = doctor("--bootstrap-servers", SharedKafka.bootstrapServers(), "--port", Integer.toString(port));

            assertThat(code).as(out.toString()).isZero();
        }
        assertThat(out.toString()).contains("ok    JDK: " + Runtime.version().feature(), "decode path:", "libturbojpeg:",
                "Kafka at " + SharedKafka.bootstrapServers() + ": cluster ", "free (given)", "the fleet runs here");
    }

    @Test
    void doctor_brokerNotListening_failsNamingItAndExitsOne() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }

        int code = doctor("--bootstrap-servers", "127.0.0.1:" + closed, "--port", "0");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("fail  Kafka at 127.0.0.1:" + closed + ": does not answer", "-> check the address",
                "1 problem(s) stop the fleet here");
    }

    @Test
    void doctor_portInUse_warnsWithTheFix() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = doctor("--port", Integer.toString(busy.getLocalPort()));

            assertThat(code).as(out.toString()).isZero();
            assertThat(out.toString()).contains("warn  port " + busy.getLocalPort() + ": in use (given)", "0 picks a free one");
        }
    }

    @Test
    void jdk_olderThan25_fails() {
        Finding f = Checks.jdk(Runtime.Version.parse("21.0.5+11"), "Debian", "/usr/lib/jvm/java-21");

        assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(f.render()).contains("JDK: 21.0.5+11 (Debian) at /usr/lib/jvm/java-21 is older than 25", "IMAGEFLEET_JAVA_HOME");
    }

    @Test
    void maven_notOnThePath_warnsHowToInstallIt() {
        Finding f = Checks.maven(List.of("no-such-mvn-" + ProcessHandle.current().pid(), "-v"));

        assertThat(f.status()).isEqualTo(Finding.Status.WARN);
        assertThat(f.render()).contains("not found on the PATH", "apt-get install -y maven");
    }
}

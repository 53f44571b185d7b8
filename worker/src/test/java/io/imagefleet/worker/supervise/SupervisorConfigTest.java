package io.imagefleet.worker.supervise;

import io.imagefleet.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupervisorConfigTest {
    @Test
    void fromEnv_badSupervisorAndWorkerKeys_namesEveryOneAtOnce() {
        Map<String, String> env = Map.of(
                "IMAGEFLEET_PROCESSES", "0",
                "IMAGEFLEET_CHILD_HEAP", "8m",
                "IMAGEFLEET_CHILD_JVM_OPTS", "-Xmx2g -XX:+UseSerialGC",
                "IMAGEFLEET_THREADS", "none",
                "IMAGEFLEET_RECYCLE_HEAP_RATIO", "1.5");

        assertThatThrownBy(() -> SupervisorConfig.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class, e ->
                assertThat(e.problems()).containsExactlyInAnyOrder(
                        "IMAGEFLEET_THREADS must be a whole number, got 'none'",
                        "IMAGEFLEET_RECYCLE_HEAP_RATIO must be between 0.0 and 1.0, got '1.5'",
                        "IMAGEFLEET_PROCESSES must be between 1 and 64, got '0'",
                        "IMAGEFLEET_CHILD_HEAP must be at least 32m, got '8m'",
                        "IMAGEFLEET_CHILD_JVM_OPTS must not set -Xmx (use IMAGEFLEET_CHILD_HEAP), got '-Xmx2g -XX:+UseSerialGC'"));
    }

    @Test
    void fromEnv_badObservabilityKeys_namedWithTheOthersAtOnce() {
        Map<String, String> env = Map.of(
                "IMAGEFLEET_PROCESSES", "two",
                "IMAGEFLEET_METRICS_PORT", "70000",
                "IMAGEFLEET_LOG_FORMAT", "xml",
                "IMAGEFLEET_LIVENESS_TIMEOUT", "200ms",
                "IMAGEFLEET_METRICS_INTERVAL", "often");

        assertThatThrownBy(() -> SupervisorConfig.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class, e ->
                assertThat(e.problems()).containsExactlyInAnyOrder(
                        "IMAGEFLEET_PROCESSES must be a whole number, got 'two'",
                        "IMAGEFLEET_METRICS_PORT must be between 0 and 65535, got '70000'",
                        "IMAGEFLEET_LOG_FORMAT must be one of [text, json], got 'xml'",
                        "IMAGEFLEET_LIVENESS_TIMEOUT must be at least 1s, got 200ms",
                        "IMAGEFLEET_METRICS_INTERVAL must be a duration such as 500ms, 60s, 10m or 2h, got 'often'"));
    }

    @Test
    void fromEnv_noGrace_derivesItFromTheDrainTimeout() {
        SupervisorConfig c = SupervisorConfig.fromEnv(Map.of("IMAGEFLEET_PROCESSES", "3", "IMAGEFLEET_DRAIN_TIMEOUT", "20s"));

        assertThat(c.processes()).isEqualTo(3);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxCrashes()).isEqualTo(2);
    }

    @Test
    void fromEnv_graceShorterThanDrain_isRefused() {
        assertThatThrownBy(() -> SupervisorConfig.fromEnv(Map.of("IMAGEFLEET_SHUTDOWN_GRACE", "5s",
                "IMAGEFLEET_DRAIN_TIMEOUT", "30s"))).hasMessageContaining(
                "IMAGEFLEET_SHUTDOWN_GRACE must be at least IMAGEFLEET_DRAIN_TIMEOUT (30s), got '5s'");
    }

    @Test
    void derive_heapPerChild_sharesContainerMemoryAfterTheReserve() {
        // 2 GiB, 2 children: 832 MiB each; 60% would leave 333 MiB outside the heap, under the 384 kept.
        assertThat(ChildHeap.derive(2L << 30, 2)).isEqualTo(448L << 20);
        // 8 GiB, 2 children: 3904 MiB each, 60% of it heap.
        assertThat(ChildHeap.derive(8L << 30, 2)).isEqualTo(2342L << 20);
        assertThat(ChildHeap.derive(512L << 20, 8)).isEqualTo(ChildHeap.MIN);
        assertThat(ChildHeap.derive(1L << 40, 1)).isEqualTo(ChildHeap.MAX);
    }

    @Test
    void needed_isTheInverseOfDerive() {
        for (long mib : new long[] {1024, 1536, 2048, 3000, 8192, 65536}) {
            for (int processes = 1; processes <= 4; processes++) {
                long heap = ChildHeap.derive(mib << 20, processes);
                if (heap > ChildHeap.MIN && heap < ChildHeap.MAX) {
                    assertThat(ChildHeap.needed(processes, heap)).as("%d MiB, %d children", mib, processes)
                            .isLessThanOrEqualTo(mib << 20).isGreaterThan((mib - processes * 2) << 20);
                }
            }
        }
        assertThat(ChildHeap.share(256L << 20)).isEqualTo(640L << 20);
        assertThat(ChildHeap.share(1L << 30)).isEqualTo((long) Math.ceil((1L << 30) / 0.6));
    }

    @Test
    void childEnvironment_withoutRssTrigger_recyclesAtTheShareAndKeepsWhatTheUserSet() {
        Map<String, String> derived = SupervisorMain.childEnvironment(Map.of("IMAGEFLEET_THREADS", "2"), 256L << 20);
        Map<String, String> off = SupervisorMain.childEnvironment(Map.of("IMAGEFLEET_RECYCLE_RSS_BYTES", "0"), 256L << 20);

        assertThat(derived).containsEntry("IMAGEFLEET_RECYCLE_RSS_BYTES", Long.toString(640L << 20))
                .containsEntry("IMAGEFLEET_THREADS", "2");
        assertThat(off).containsEntry("IMAGEFLEET_RECYCLE_RSS_BYTES", "0");
    }
}

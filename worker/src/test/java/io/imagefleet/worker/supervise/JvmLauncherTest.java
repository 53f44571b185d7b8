package io.imagefleet.worker.supervise;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JvmLauncherTest {
    private static JvmLauncher launcher(Map<String, String> configured) {
        ChildLogs logs = ChildLogs.json(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        return new JvmLauncher("Main", List.of(), List.of(), configured, logs, System::nanoTime);
    }

    @Test
    void environment_withoutMallocArenaMax_holdsGlibcToTwoArenasAndAddsTheConfiguredSettings() {
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin"));

        launcher(Map.of("IMAGEFLEET_THREADS", "2")).environment(env);

        assertThat(env).containsEntry("MALLOC_ARENA_MAX", "2").containsEntry("IMAGEFLEET_THREADS", "2")
                .containsEntry("PATH", "/usr/bin");
    }

    @Test
    void environment_withMallocArenaMaxSetByTheUser_keepsTheirs() {
        Map<String, String> inherited = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "8"));
        Map<String, String> configured = new HashMap<>();

        launcher(Map.of()).environment(inherited);
        launcher(Map.of("MALLOC_ARENA_MAX", "1")).environment(configured);

        assertThat(inherited).containsEntry("MALLOC_ARENA_MAX", "8");
        assertThat(configured).containsEntry("MALLOC_ARENA_MAX", "1");
    }
}

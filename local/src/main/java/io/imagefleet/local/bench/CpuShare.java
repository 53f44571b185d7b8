package io.imagefleet.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much CPU other processes took while a run was measured, so that figures from a shared
 * machine can be read for what they are. A sample holds the machine's busy and total CPU time
 * ({@code /proc/stat}, steal counted as busy) and the CPU time of this bench: this JVM, the
 * children it has reaped, and every live descendant ({@code /proc/<pid>/stat}). Between two
 * samples, what the machine was busy with beyond the bench was someone else's. Linux only;
 * elsewhere the share is unknown (-1). Immutable.
 */
record CpuShare(long machineBusy, long machineTotal, long bench) {
    private static final CpuShare UNKNOWN = new CpuShare(-1, -1, -1);

    static CpuShare sample() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            long total = 0;
            // user nice system idle iowait irq softirq steal: fields 1-8.
            for (int i = 1; i <= 8 && i < cpu.length; i++) {
                long v = Long.parseLong(cpu[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            long bench = ticks(ProcessHandle.current().pid());
            for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
                bench += ticks(h.pid());
            }
            return new CpuShare(busy, total, bench);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * The cores' worth of CPU that processes outside this bench used, on average, from this sample
     * to {@code later}; -1 when unknown.
     */
    double othersSince(CpuShare later, int cores) {
        if (machineTotal < 0 || later.machineTotal() < 0 || later.machineTotal() <= machineTotal) {
            return -1;
        }
        long others = (later.machineBusy() - machineBusy) - (later.bench() - bench);
        return Math.max(0, (double) others / (later.machineTotal() - machineTotal) * cores);
    }

    /** utime + stime + cutime + cstime of a process, in clock ticks; 0 when it has gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may hold spaces: the fields that follow start after its closing parenthesis.
            List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"));
            // After the name: state(3) ... utime(14) stime(15) cutime(16) cstime(17); index = field - 3.
            return Long.parseLong(f.get(11)) + Long.parseLong(f.get(12)) + Long.parseLong(f.get(13))
                    + Long.parseLong(f.get(14));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

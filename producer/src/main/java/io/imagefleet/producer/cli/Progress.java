package io.imagefleet.producer.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a batch, on stderr: a live bar with rate and ETA on a terminal, or a plain line
 * every tenth of the way (and at the end) when stderr is a file or a pipe. Used by one thread.
 */
public abstract class Progress implements AutoCloseable {

    /** Whether stderr is a terminal: told by the launcher, else guessed from the console. */
    public static boolean onTerminal() {
        return toldOrConsole("imagefleet.tty");
    }

    /**
     * Whether stdout is a terminal (for output meant for a person rather than a pipe): told by
     * the launcher, else asked of the console (which, on Java 22+, is a terminal only when both
     * stdin and stdout are).
     */
    public static boolean stdoutOnTerminal() {
        return toldOrConsole("imagefleet.stdout.tty");
    }

    /** What the launcher told in system property {@code told}, else whether the console is a terminal. */
    private static boolean toldOrConsole(String told) {
        String value = System.getProperty(told);
        if (value != null) {
            return Boolean.parseBoolean(value);
        }
        var console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+: a console exists even when redirected; ask whether it is a terminal.
            return (Boolean) console.getClass().getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** A progress display for {@code total} items of work named {@code task}. */
    public static Progress start(String task, long total, String unit) {
        return onTerminal() ? new Bar(task, total, unit) : new Lines(task, total, unit, System.err);
    }

    public abstract void step();

    /** Replaces the short text after the bar (counts of failures, say). */
    public abstract void extra(String message);

    @Override
    public abstract void close();

    private static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(String task, long total, String unit) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(200).build();
        }

        @Override
        public void step() {
            bar.step();
        }

        @Override
        public void extra(String message) {
            bar.setExtraMessage(message);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    static final class Lines extends Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final PrintStream out;
        private final long start = System.nanoTime();
        private long done;
        private long nextReport;
        private long lastReported = -1;
        private String extra = "";

        Lines(String task, long total, String unit, PrintStream out) {
            this.task = task;
            this.total = total;
            this.unit = unit;
            this.out = out;
            this.nextReport = Math.max(1, total / 10);
        }

        @Override
        public void step() {
            done++;
            if (done >= nextReport || done == total) {
                report();
                nextReport = done + Math.max(1, total / 10);
            }
        }

        @Override
        public void extra(String message) {
            extra = message;
        }

        private void report() {
            lastReported = done;
            double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
            double rate = done / secs;
            long etaSecs = rate > 0 ? Math.round((total - done) / rate) : -1;
            out.println(String.format(Locale.ROOT, "%s: %d/%d %s (%.0f%%), %.1f %s/s, eta %s%s", task, done, total, unit,
                    100.0 * done / Math.max(1, total), rate, unit, etaSecs < 0 ? "?" : Duration.ofSeconds(etaSecs).toString()
                            .substring(2).toLowerCase(Locale.ROOT), extra.isEmpty() ? "" : ", " + extra));
        }

        @Override
        public void close() {
            if (done != lastReported) {
                report();
            }
        }
    }
}

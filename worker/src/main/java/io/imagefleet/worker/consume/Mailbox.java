package io.imagefleet.worker.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one way into the poll thread: pool, timer, producer and admin threads post {@link Event}s,
 * and the loop drains them every turn. Bounded by what is in flight (each job posts a handful of
 * events at most), so it needs no capacity of its own. {@link #post} and {@link #wake} are
 * thread-safe; {@link #drain} is for the poll thread.
 */
final class Mailbox {
    private static final Object WAKE = new Object();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    void post(Event event) {
        queue.add(event);
    }

    /** Ends a wait in {@link #drain} without an event (a stop was asked for). */
    void wake() {
        queue.add(WAKE);
    }

    /** Every event now; when there is none, waits up to {@code wait} for the first. */
    List<Event> drain(Duration wait) {
        List<Object> raw = new ArrayList<>();
        queue.drainTo(raw);
        if (raw.isEmpty() && !wait.isZero()) {
            try {
                Object first = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    raw.add(first);
                    queue.drainTo(raw);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Event> events = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (o instanceof Event e) {
                events.add(e);
            }
        }
        return events;
    }
}

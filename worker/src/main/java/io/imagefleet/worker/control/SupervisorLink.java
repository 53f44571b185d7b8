package io.imagefleet.worker.control;

import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.PartitionRef;
import io.imagefleet.worker.consume.Suspicions;
import io.imagefleet.worker.recycle.RecycleGate;
import io.imagefleet.worker.recycle.RecycleReason;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A worker JVM's end of the channel to its supervisor: control messages as JSON lines, out on
 * the process's stdout and in on its stdin (logs go to stderr). It says hello, waits for the
 * go (which names its slot), reports records in flight and partition changes, asks to recycle and hears the grant, and
 * keeps the supervisor's list of suspect records. When stdin closes the supervisor is gone and
 * the worker stops. Thread-safe: sends are serialised; one daemon thread reads.
 */
public final class SupervisorLink implements LoopListener, Suspicions, RecycleGate {
    private static final Logger log = LoggerFactory.getLogger(SupervisorLink.class);

    private final ControlCodec codec = new ControlCodec();
    private final InputStream in;
    private final Writer out;
    private final CountDownLatch go = new CountDownLatch(1);
    /** Counted down by the first prepare or go, whichever comes first. */
    private final CountDownLatch named = new CountDownLatch(1);
    private volatile int slot = -1;
    private volatile int prepared = -1;
    private volatile Map<String, Suspicion> suspects = Map.of();
    private volatile Runnable grant;
    private volatile boolean closed;
    private volatile boolean exiting;
    private boolean broken;

    SupervisorLink(InputStream in, OutputStream out) {
        this.in = in;
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    }

    /**
     * The link over this process's stdin and stdout. From here on {@code System.out} prints to
     * stderr, so that nothing but control messages reaches the supervisor on stdout.
     */
    public static SupervisorLink overStdio() {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        // Through a channel, so that close() wakes the reader: a thread blocked in a plain read of
        // stdin would hold up the JVM's exit by 300 ms (the VM waits for threads in native code).
        return new SupervisorLink(Channels.newInputStream(new FileInputStream(FileDescriptor.in).getChannel()), stdout);
    }

    /** Starts reading; {@code supervisorGone} runs when stdin closes. */
    public void start(Runnable supervisorGone) {
        Thread reader = new Thread(() -> read(supervisorGone), "imagefleet-supervisor-link");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Runnable supervisorGone) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                codec.decode(line).ifPresent(this::handle);
            }
        } catch (IOException e) {
            if (exiting) {
                return;
            }
            log.warn("reading from the supervisor failed: {}", e.toString());
        }
        if (exiting) {
            return;
        }
        closed = true;
        go.countDown();
        named.countDown();
        log.warn("the supervisor closed the channel; stopping");
        supervisorGone.run();
    }

    private void handle(ControlMessage message) {
        switch (message) {
            case ControlMessage.Prepare p -> {
                prepared = p.slot();
                log.info("prepare: this JVM will be slot-{}", p.slot());
                named.countDown();
            }
            case ControlMessage.Go g -> {
                slot = g.slot();
                log.info("go: this JVM is slot-{}", g.slot());
                go.countDown();
                named.countDown();
            }
            case ControlMessage.Suspects s -> {
                Map<String, Suspicion> next = new HashMap<>();
                s.jobs().forEach(j -> next.put(j.job().position(), new Suspicion(j.crashes(), j.giveUp(), j.history())));
                suspects = Map.copyOf(next);
            }
            case ControlMessage.RecycleGrant g -> {
                Runnable r = grant;
                if (r != null) {
                    r.run();
                } else {
                    log.warn("a recycle grant came but none was asked for; ignored");
                }
            }
            default -> log.debug("ignored a {} from the supervisor", message.getClass().getSimpleName());
        }
    }

    /**
     * Tells the supervisor this JVM is built and waits for its go. First it reads (and drops) one
     * of each message the supervisor sends at a go, and writes one of each it sends with its first
     * job, so that neither is slowed by the JSON reader's or writer's first use (class loading, introspection: a few hundred milliseconds of a
     * recycle gap on a busy machine).
     */
    public void hello() {
        warmUp();
        send(new ControlMessage.Hello(ProcessHandle.current().pid()));
    }

    private void warmUp() {
        JobRef ref = new JobRef("warm-up", 0, 0, "warm-up");
        List<ControlMessage> samples = List.of(
                new ControlMessage.Suspects(List.of(new ControlMessage.Suspect(ref, 1, false, "warm-up"))),
                new ControlMessage.Prepare(0), new ControlMessage.Go(0), new ControlMessage.RecycleGrant(),
                // And what it sends when it takes its first job: that reaches the supervisor within the recycle's gap.
                new ControlMessage.JobStarted(ref), new ControlMessage.JobEnded(ref, JobOutcome.ANSWERED),
                new ControlMessage.Committed(Map.of("warm-up-0", 1L)));
        for (ControlMessage m : samples) {
            codec.decode(codec.encode(m));
        }
    }

    /** Tells the supervisor what this JVM did, just before it exits on purpose. */
    public void exiting(int exitCode, long answered, long peakRss, long admissionHighWater, long admissionCapacity) {
        send(new ControlMessage.Exiting(exitCode, answered, peakRss, admissionHighWater, admissionCapacity));
    }

    /** Stops reading, just before this JVM exits. */
    public void close() {
        exiting = true;
        try {
            in.close();
        } catch (IOException e) {
            log.debug("closing the supervisor channel: {}", e.toString());
        }
    }

    /**
     * Waits for the go and returns the slot it gives this JVM; empty when the channel closed (or
     * {@link #release()} was called) first.
     */
    public OptionalInt awaitGo() throws InterruptedException {
        go.await();
        return closed ? OptionalInt.empty() : OptionalInt.of(slot);
    }

    /**
     * Waits for the supervisor to name this JVM's slot, by a prepare or the go, whichever comes
     * first, and returns the slot named; empty when the channel closed (or {@link #release()} was
     * called) first. After it, {@link #goCame()} tells which it was.
     */
    public OptionalInt awaitSlotNamed() throws InterruptedException {
        named.await();
        if (closed) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(go.getCount() == 0 ? slot : prepared);
    }

    /** Whether the go has come (or the channel closed), so that waiting for it would not block. */
    public boolean goCame() {
        return go.getCount() == 0;
    }

    /** Stops waiting for the go (the JVM is told to stop before it started). */
    public void release() {
        closed = true;
        go.countDown();
        named.countDown();
    }

    /** Whether {@link #release()} was called or the channel closed. */
    public boolean released() {
        return closed;
    }

    @Override
    public void soon() {
        send(new ControlMessage.RecycleSoon());
    }

    @Override
    public void ask(RecycleReason reason, String detail, Runnable onGrant) {
        this.grant = onGrant;
        send(new ControlMessage.RecycleRequest(reason, detail));
    }

    @Override
    public Optional<Suspicion> find(TopicPartition tp, long offset) {
        Map<String, Suspicion> now = suspects;
        return now.isEmpty() ? Optional.empty() : Optional.ofNullable(now.get(new JobRef(tp.topic(), tp.partition(), offset, "").position()));
    }

    @Override
    public void jobStarted(PartitionRef tp, long offset, String jobId) {
        send(new ControlMessage.JobStarted(ref(tp, offset, jobId)));
    }

    @Override
    public void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
        send(new ControlMessage.JobEnded(ref(tp, offset, jobId), switch (outcome) {
            case ANSWERED -> JobOutcome.ANSWERED;
            case ABANDONED -> JobOutcome.ABANDONED;
        }));
    }

    @Override
    public void committed(Map<PartitionRef, Long> offsets) {
        Map<String, Long> named = new HashMap<>();
        offsets.forEach((tp, offset) -> named.put(tp.toString(), offset));
        send(new ControlMessage.Committed(named));
    }

    @Override
    public void assignmentChanged(String change, Collection<PartitionRef> partitions, Set<PartitionRef> now) {
        send(new ControlMessage.Assignment(PartitionChange.of(change), names(partitions), names(now)));
    }

    private static List<String> names(Collection<PartitionRef> tps) {
        return tps.stream().map(PartitionRef::toString).sorted().toList();
    }

    private static JobRef ref(PartitionRef tp, long offset, String jobId) {
        return new JobRef(tp.topic(), tp.partition(), offset, jobId);
    }

    /** Sends one message; a broken channel is logged once and otherwise ignored (stdin closing stops the JVM). */
    public synchronized void send(ControlMessage message) {
        if (broken) {
            return;
        }
        try {
            out.write(codec.encode(message));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            broken = true;
            log.warn("writing to the supervisor failed: {}", e.toString());
        }
    }
}

package io.imagefleet.worker.consume;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;

/**
 * What became of an outgoing unit: the records that could not be sent (none when it is
 * answered), or that it was abandoned (left uncommitted). Immutable.
 */
record Completion(Outgoing unit, List<ProducerRecord<byte[], byte[]>> failed, boolean abandoned) {
    Completion {
        failed = List.copyOf(failed);
    }

    Completion(Outgoing unit, List<ProducerRecord<byte[], byte[]>> failed) {
        this(unit, failed, false);
    }

    static Completion abandoned(Outgoing unit) {
        return new Completion(unit, List.of(), true);
    }
}

package io.imagefleet.local.doctor;

import java.util.Optional;

/**
 * One thing {@code imagefleet doctor} looked at: how it stands, what was found, and what to do
 * about it when it is not fine. Immutable.
 */
record Finding(Status status, String subject, String detail, Optional<String> fix) {
    /** How a finding stands: fine, works but worse than it could, or stops the fleet. */
    enum Status { OK, WARN, FAIL }

    static Finding ok(String subject, String detail) {
        return new Finding(Status.OK, subject, detail, Optional.empty());
    }

    static Finding warn(String subject, String detail, String fix) {
        return new Finding(Status.WARN, subject, detail, Optional.of(fix));
    }

    static Finding fail(String subject, String detail, String fix) {
        return new Finding(Status.FAIL, subject, detail, Optional.of(fix));
    }

    /** The finding as the doctor prints it: a status column, the subject, the detail, and the fix below. */
    String render() {
        String head = String.format("%-5s %s: %s", status.name().toLowerCase(java.util.Locale.ROOT), subject, detail);
        return fix.map(f -> head + System.lineSeparator() + "      -> " + f).orElse(head);
    }
}

package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;

import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOWriteProgressListener;

/**
 * Aborts an image reader or writer, on its own thread, at the first progress report after the
 * job's deadline. The reader then returns early (with a partial image) and the caller's
 * deadline check fails the job TIMEOUT. A codec that never reports progress cannot be stopped
 * this way; the watchdog reports such a job as stuck. Used by one thread.
 */
final class DeadlineAbort implements IIOReadProgressListener, IIOWriteProgressListener {
    private final JobDeadline deadline;

    DeadlineAbort(JobDeadline deadline) {
        this.deadline = deadline;
    }

    private void poll(ImageReader reader) {
        if (deadline.expired()) {
            reader.abort();
        }
    }

    private void poll(ImageWriter writer) {
        if (deadline.expired()) {
            writer.abort();
        }
    }

    @Override
    public void imageStarted(ImageReader source, int imageIndex) {
        poll(source);
    }

    @Override
    public void imageProgress(ImageReader source, float percentageDone) {
        poll(source);
    }

    @Override
    public void imageComplete(ImageReader source) {
        // The read is over; the caller checks the deadline next.
    }

    @Override
    public void readAborted(ImageReader source) {
        // Reported by the caller's deadline check.
    }

    @Override
    public void sequenceStarted(ImageReader source, int minIndex) {
        poll(source);
    }

    @Override
    public void sequenceComplete(ImageReader source) {
        // Nothing to do: one frame is read.
    }

    @Override
    public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {
        poll(source);
    }

    @Override
    public void thumbnailProgress(ImageReader source, float percentageDone) {
        poll(source);
    }

    @Override
    public void thumbnailComplete(ImageReader source) {
        // Thumbnails are not read.
    }

    @Override
    public void imageStarted(ImageWriter source, int imageIndex) {
        poll(source);
    }

    @Override
    public void imageProgress(ImageWriter source, float percentageDone) {
        poll(source);
    }

    @Override
    public void imageComplete(ImageWriter source) {
        // The write is over; the caller checks the deadline next.
    }

    @Override
    public void thumbnailStarted(ImageWriter source, int imageIndex, int thumbnailIndex) {
        poll(source);
    }

    @Override
    public void thumbnailProgress(ImageWriter source, float percentageDone) {
        poll(source);
    }

    @Override
    public void thumbnailComplete(ImageWriter source) {
        // Thumbnails are not written.
    }

    @Override
    public void writeAborted(ImageWriter source) {
        // Reported by the caller's deadline check.
    }
}

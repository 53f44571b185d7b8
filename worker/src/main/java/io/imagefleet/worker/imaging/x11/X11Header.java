package io.imagefleet.worker.imaging.x11;

/** What every X11 image header declares: the image's size in pixels. */
interface X11Header {
    int width();

    int height();
}

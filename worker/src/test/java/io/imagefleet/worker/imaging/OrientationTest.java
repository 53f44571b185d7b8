package io.imagefleet.worker.imaging;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** EXIF orientation found in each container and parsed by TwelveMonkeys' TIFF reader. */
class OrientationTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void read_jpegBothByteOrders_givesTheTag(int orientation) throws Exception {
        assertThat(Orientation.read(TestImages.jpegWithOrientation(TestImages.solid(4, 4, 0), orientation, true), "jpeg"))
                .isEqualTo(orientation);
        assertThat(Orientation.read(TestImages.jpegWithOrientation(TestImages.solid(4, 4, 0), orientation, false), "jpeg"))
                .isEqualTo(orientation);
    }

    @Test
    void read_pngExifChunk_givesTheTag() throws Exception {
        assertThat(Orientation.read(TestImages.pngWithOrientation(TestImages.solid(4, 4, 0), 6), "png")).isEqualTo(6);
    }

    @Test
    void read_tiffStructure_givesTheTag() {
        assertThat(Orientation.read(TestImages.exifOrientation(8, true), "tiff")).isEqualTo(8);
    }

    @Test
    void read_truncatedOrOutOfRange_isNormal() {
        byte[] tiff = TestImages.exifOrientation(6, false);

        assertThat(Orientation.fromExif(Arrays.copyOf(tiff, 12))).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.fromExif(TestImages.exifOrientation(9, false))).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.fromExif(new byte[] {'M', 'M', 0, 42})).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.read("not an image".getBytes(), "jpeg")).isEqualTo(Orientation.NORMAL);
    }
}

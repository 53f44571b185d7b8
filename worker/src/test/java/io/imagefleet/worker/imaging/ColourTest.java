package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Test;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;

import static org.assertj.core.api.Assertions.assertThat;

class ColourTest {
    /**
     * Regression: CMYK TIFFs without a profile come from TwelveMonkeys in a colour space defined
     * by code whose toCIEXYZ fails; ColorConvertOp went through it and the jobs failed INTERNAL
     * (AIOOBE). Such spaces are converted through their own toRGB.
     */
    @Test
    void toSrgb_codeDefinedCmykSpaceWithBrokenXyz_convertsThroughToRgb() {
        ComponentColorModel cm = new ComponentColorModel(new FormulaCmyk(), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                r.setPixel(x, y, new int[] {255, 0, 0, 0}); // cyan ink
            }
        }

        BufferedImage out = Colour.toSrgb(new BufferedImage(cm, r, false, null));

        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(out.getRGB(2, 2) & 0xffffff).isEqualTo(0x00ffff);
    }

    @Test
    void toSrgb_linearGreyByte_isTakenAsDisplayValues() {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);

        assertThat(Colour.toSrgb(grey).getRGB(0, 0) & 0xffffff).isEqualTo(0x646464);
    }

    /** Regression: 32-bit grey samples over 2^31 came out as Java negatives and turned black. */
    @Test
    void toSrgb_unsigned32BitGrey_isScaledAsUnsigned() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {32}, false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_INT);
        WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
        r.setSample(0, 0, 0, 0xC0C0C0C0);
        r.setSample(1, 0, 0, 0x40404040);

        BufferedImage out = Colour.toSrgb(new BufferedImage(cm, r, false, null));

        assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo(0xc0c0c0);
        assertThat(out.getRGB(1, 0) & 0xffffff).isEqualTo(0x404040);
    }

    /** CMYK by formula, with a toCIEXYZ that fails like TwelveMonkeys' does. */
    private static final class FormulaCmyk extends ColorSpace {
        private static final long serialVersionUID = 1L;

        FormulaCmyk() {
            super(ColorSpace.TYPE_CMYK, 4);
        }

        @Override
        public float[] toRGB(float[] v) {
            return new float[] {(1 - v[0]) * (1 - v[3]), (1 - v[1]) * (1 - v[3]), (1 - v[2]) * (1 - v[3])};
        }

        @Override
        public float[] fromRGB(float[] v) {
            return new float[4];
        }

        @Override
        public float[] toCIEXYZ(float[] v) {
            throw new ArrayIndexOutOfBoundsException("Index 3 out of bounds for length 3");
        }

        @Override
        public float[] fromCIEXYZ(float[] v) {
            return new float[4];
        }
    }
}

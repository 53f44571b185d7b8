package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFWriter;

import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.imagefleet.wire.Animation;
import io.imagefleet.wire.Keep;
import io.imagefleet.wire.OutputSpec;

/**
 * The source metadata a job's outputs keep ({@code "keep": ["icc", "copyright"]}): made by the
 * pipeline from the outputs before decoding, filled by the decoder, read by the encoder of each
 * output. When an output keeps the ICC profile, the decoder leaves the pixels in the source's
 * RGB profile instead of converting them to sRGB; outputs that do not keep it are converted
 * after their operations. Copyright keeps the EXIF {@code Artist} and {@code Copyright} fields
 * (as imgproxy's {@code KEEP_COPYRIGHT} does), nothing else of the EXIF. One per job; used by the
 * job's thread only.
 */
public final class SourceMetadata {
    private final boolean wantsIcc;
    private final boolean wantsCopyright;
    private final boolean wantsAnimation;
    private final List<String> animationDroppedBy;
    private int animationFrames;
    private ICC_Profile profile;
    private byte[] copyright;

    private SourceMetadata(boolean wantsIcc, boolean wantsCopyright, boolean wantsAnimation, List<String> animationDroppedBy) {
        this.wantsIcc = wantsIcc;
        this.wantsCopyright = wantsCopyright;
        this.wantsAnimation = wantsAnimation;
        this.animationDroppedBy = List.copyOf(animationDroppedBy);
    }

    /** What the job's outputs ask to keep. */
    public static SourceMetadata keptBy(List<OutputSpec> outputs) {
        return new SourceMetadata(outputs.stream().anyMatch(o -> o.keep().contains(Keep.ICC)),
                outputs.stream().anyMatch(o -> o.keep().contains(Keep.COPYRIGHT)),
                outputs.stream().anyMatch(o -> o.animation() == Animation.KEEP && Animator.canAnimate(o.format())),
                outputs.stream().filter(o -> o.animation() == Animation.KEEP && o.format() != null && !Animator.canAnimate(o.format()))
                        .map(o -> o.name() + " (" + o.format().wireName() + ")").toList());
    }

    /** Nothing kept: every output is sRGB and stripped. */
    public static SourceMetadata none() {
        return new SourceMetadata(false, false, false, List.of());
    }

    boolean wantsIcc() {
        return wantsIcc;
    }

    boolean wantsCopyright() {
        return wantsCopyright;
    }

    /** An output in a format that can hold an animation (GIF, WebP) asked for {@code "animation": "keep"}. */
    boolean wantsAnimation() {
        return wantsAnimation;
    }

    /** The outputs that asked to keep the animation in a format that cannot hold one (they get the first frame). */
    List<String> animationDroppedBy() {
        return animationDroppedBy;
    }

    /** The decoder found the source animated, with this many frames, within the limits. */
    void animated(int frames) {
        this.animationFrames = frames;
    }

    /** The source's frame count when an output keeps the animation and the decoder checked it; 0 otherwise. */
    int animationFrames() {
        return animationFrames;
    }

    /** The decoder left the pixels in this RGB profile's space (labelled sRGB). */
    void leftIn(ICC_Profile p) {
        this.profile = p;
    }

    /** The profile the decoded pixels are still in, if the decoder left them in one. */
    Optional<ICC_Profile> profile() {
        return Optional.ofNullable(profile);
    }

    /** Keeps the Artist and Copyright fields of the source's EXIF IFD0, if it has any. */
    void copyrightFrom(byte[] exifTiff) {
        this.copyright = copyrightOnly(exifTiff);
    }

    /** A TIFF structure of only the Artist and Copyright fields of an EXIF block's IFD0, or null when it has neither. */
    static byte[] copyrightOnly(byte[] exifTiff) {
        Directory ifd0 = exifTiff == null ? null : Orientation.ifd0(exifTiff);
        if (ifd0 == null) {
            return null;
        }
        List<Entry> kept = new ArrayList<>();
        for (int tag : new int[] {TIFF.TAG_ARTIST, TIFF.TAG_COPYRIGHT}) {
            Entry e = ifd0.getEntryById(tag);
            if (e != null && e.getValue() instanceof String s && !s.isBlank()) {
                kept.add(new TIFFEntry(tag, TIFF.TYPE_ASCII, s));
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            new TIFFWriter().write(kept, ios);
        } catch (IOException e) {
            throw new IllegalStateException("writing a TIFF structure to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** A TIFF structure holding only the source's Artist and Copyright, if it had any. */
    Optional<byte[]> copyright() {
        return Optional.ofNullable(copyright);
    }
}

package io.imagefleet.worker.imaging;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Animated GIF and WebP files made for tests by ImageMagick's {@code convert}, {@code gifsicle}
 * and {@code img2webp} from a real photo (a Sony DSC-D700 JPEG from TwelveMonkeys' tests jar),
 * their reference frames ({@code convert -coalesce}, then resized), and a frame comparison.
 */
public final class AnimatedFixtures {
    /** Delays of the panning GIF's six frames, in hundredths of a second. */
    public static final int[] PAN_DELAYS_CS = {10, 20, 30, 40, 50, 60};
    /** Durations of the WebP's three frames, in milliseconds. */
    public static final int[] WEBP_DURATIONS_MS = {100, 250, 70};

    private AnimatedFixtures() {
    }

    /** Skips the test unless convert, gifsicle and the webp tools are installed ({@code .ci/run} installs them). */
    public static void assumeTools() {
        ExternalTools.assume("convert", "imagemagick");
        ExternalTools.assume("gifsicle", "gifsicle");
        ExternalTools.assume("img2webp", "webp");
        ExternalTools.assume("webpmux", "webp");
        ExternalTools.assume("gif2webp", "webp");
    }

    private static Path photo(Path dir) throws Exception {
        Path p = dir.resolve("photo.jpg");
        if (!Files.exists(p)) {
            try (InputStream in = AnimatedFixtures.class.getResourceAsStream(HeifDecodeTest.PHOTO)) {
                Files.write(p, in.readAllBytes());
            }
        }
        return p;
    }

    /** Six 160x120 frames panning over the photo. */
    private static List<String> panFrames(Path dir) throws Exception {
        Path photo = photo(dir);
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < PAN_DELAYS_CS.length; i++) {
            Path f = dir.resolve("pan" + i + ".png");
            run("convert", photo.toString(), "-crop", "320x240+" + i * 50 + "+" + i * 30, "+repage", "-resize", "160x120!",
                    f.toString());
            frames.add(f.toString());
        }
        return frames;
    }

    /**
     * A 160x120 GIF of six frames panning over the photo, {@link #PAN_DELAYS_CS} apart, looping
     * for ever, optimised by {@code gifsicle -O3} (later frames keep only what changed, over
     * transparency).
     */
    public static Path panningGif(Path dir) throws Exception {
        List<String> frames = panFrames(dir);
        List<String> cmd = new ArrayList<>(List.of("convert"));
        for (int i = 0; i < frames.size(); i++) {
            cmd.addAll(List.of("-delay", Integer.toString(PAN_DELAYS_CS[i]), frames.get(i)));
        }
        Path raw = dir.resolve("pan-raw.gif");
        cmd.addAll(List.of("-loop", "0", raw.toString()));
        run(cmd.toArray(String[]::new));
        Path gif = dir.resolve("pan.gif");
        run("gifsicle", "-O3", raw.toString(), "-o", gif.toString());
        return gif;
    }

    /**
     * A 120x90 GIF: the photo, then 40x30 sprites with transparent holes at offsets, disposed of
     * "previous", "previous", "background" and "none", delays 20, 15, 15, 25, 25 hundredths, looping twice.
     */
    public static Path spritesGif(Path dir) throws Exception {
        Path photo = photo(dir);
        Path base = dir.resolve("base.png");
        run("convert", photo.toString(), "-resize", "120x90!", base.toString());
        List<String> sprites = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Path s = dir.resolve("sprite" + i + ".png");
            run("convert", photo.toString(), "-crop", "200x150+" + i * 80 + "+" + i * 50, "+repage", "-resize", "40x30!",
                    "-alpha", "set", "-fill", "none", "-draw", "rectangle 10,8 29,21", s.toString());
            sprites.add(s.toString());
        }
        Path gif = dir.resolve("sprites.gif");
        run("convert", "-dispose", "None", "-delay", "20", base.toString(),
                "-dispose", "Previous", "-delay", "15", "-page", "120x90+10+10", sprites.get(0),
                "-page", "120x90+50+30", sprites.get(1),
                "-dispose", "Background", "-delay", "25", "-page", "120x90+70+50", sprites.get(2),
                "-dispose", "None", "-page", "120x90+30+5", sprites.get(3), "-loop", "2", gif.toString());
        return gif;
    }

    /** A 160x120 animated WebP of three panning frames ({@link #WEBP_DURATIONS_MS}), looping 3 times, lossless. */
    public static Path panningWebp(Path dir) throws Exception {
        List<String> frames = panFrames(dir);
        Path webp = dir.resolve("pan.webp");
        run("img2webp", "-loop", "3", "-lossless", "-d", "100", frames.get(0), "-d", "250", frames.get(1), "-d", "70",
                frames.get(2), "-o", webp.toString());
        return webp;
    }

    /** The source's frames as ImageMagick shows them ({@code -coalesce}), resized to w x h unless w is 0. */
    public static List<BufferedImage> reference(Path source, int w, int h) throws Exception {
        Path dir = Files.createTempDirectory(source.getParent(), "ref");
        List<String> cmd = new ArrayList<>(List.of("convert", source.toString(), "-coalesce"));
        if (w > 0) {
            cmd.addAll(List.of("-resize", w + "x" + h + "!"));
        }
        cmd.add(dir.resolve("f-%03d.png").toString());
        run(cmd.toArray(String[]::new));
        List<BufferedImage> frames = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                BufferedImage img = ImageIO.read(p.toFile());
                BufferedImage argb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
                argb.getGraphics().drawImage(img, 0, 0, null);
                frames.add(argb);
            }
        }
        return frames;
    }

    /** The frames of an animated WebP as libwebpdemux composes them, with their durations. */
    public static List<BufferedImage> webpFrames(byte[] webp, List<Integer> durations) throws Exception {
        LibWebpAnim lib = NativeTestSupport.NATIVES.webpAnim().orElseThrow();
        AnimationHeader h = WebpFrames.header(lib, webp);
        return collect(WebpFrames.open(lib, webp, h, io.imagefleet.worker.kernel.JobDeadline.after(java.time.Duration.ofMinutes(1))),
                durations);
    }

    /** The frames of an animated GIF as {@link GifFrames} composes them, with their durations. */
    public static List<BufferedImage> gifFrames(byte[] gif, List<Integer> durations) throws Exception {
        return collect(GifFrames.open(gif, io.imagefleet.worker.kernel.JobDeadline.after(java.time.Duration.ofMinutes(1))),
                durations);
    }

    private static List<BufferedImage> collect(FrameSource source, List<Integer> durations) throws Exception {
        List<BufferedImage> frames = new ArrayList<>();
        try (source) {
            for (Frame f = source.next(); f != null; f = source.next()) {
                BufferedImage copy = new BufferedImage(f.image().getWidth(), f.image().getHeight(), BufferedImage.TYPE_INT_ARGB);
                f.image().copyData(copy.getRaster());
                frames.add(copy);
                durations.add(f.durationMs());
            }
        }
        return frames;
    }

    /** The frame durations (ms) and loop count {@code webpmux -info} reads from an animated WebP. */
    public record WebpInfo(List<Integer> durations, int loopCount) {
    }

    public static WebpInfo webpInfo(Path webp) throws Exception {
        String info = run("webpmux", "-info", webp.toString());
        Matcher loop = Pattern.compile("Loop Count : (\\d+)").matcher(info);
        int loops = loop.find() ? Integer.parseInt(loop.group(1)) : -1;
        List<Integer> durations = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+\\d+\\s+\\w+\\s+\\d+\\s+\\d+\\s+(\\d+)").matcher(info);
        while (m.find()) {
            durations.add(Integer.parseInt(m.group(1)));
        }
        return new WebpInfo(durations, loops);
    }

    /** The delays (hundredths of a second) and the loop line {@code gifsicle --info} reads from a GIF. */
    public record GifInfo(List<Integer> delaysCs, String loop) {
    }

    public static GifInfo gifInfo(Path gif) throws Exception {
        String info = run("gifsicle", "--info", gif.toString());
        List<Integer> delays = new ArrayList<>();
        Matcher m = Pattern.compile("\\+ image #\\d+[^\\n]*\\n(?:[^+]*?)delay (\\d+)\\.(\\d+)s").matcher(info);
        while (m.find()) {
            delays.add(Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2)));
        }
        Matcher loop = Pattern.compile("(?m)^\\s*(loop [^\\n]*)$").matcher(info);
        return new GifInfo(delays, loop.find() ? loop.group(1).trim() : "no loop");
    }

    /**
     * How far apart two frames are: the mean over pixels of the absolute RGB difference (0-255)
     * where both are opaque enough to see, and 255 where one is see-through and the other not.
     */
    public static double difference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return 255;
        }
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                boolean pv = (p >>> 24) >= 128;
                boolean qv = (q >>> 24) >= 128;
                if (pv != qv) {
                    sum += 255;
                } else if (pv) {
                    sum += (Math.abs(((p >> 16) & 0xff) - ((q >> 16) & 0xff)) + Math.abs(((p >> 8) & 0xff) - ((q >> 8) & 0xff))
                            + Math.abs((p & 0xff) - (q & 0xff))) / 3.0;
                }
            }
        }
        return sum / ((double) a.getWidth() * a.getHeight());
    }

    static String run(String... command) throws Exception {
        return ExternalTools.run(command);
    }
}

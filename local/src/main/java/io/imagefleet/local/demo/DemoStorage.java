package io.imagefleet.local.demo;

import io.imagefleet.local.storage.EmbeddedStorage;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.wire.Result;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the demo's images and outputs live. {@code s3} (the default): the embedded S3 server,
 * the sample images uploaded to a bucket, {@code s3://} sources and targets, and the outputs
 * read back from the bucket for the contact sheet, as a fleet in a cluster would work.
 * {@code file}: the images where they are and the outputs written to the output directory. Not
 * thread-safe.
 */
public final class DemoStorage implements AutoCloseable {
    public static final String BUCKET = "imagefleet-demo";

    /** The kinds of storage, as {@code --storage} names them. */
    public enum Kind {
        S3, FILE;

        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "s3" -> S3;
                case "file" -> FILE;
                default -> throw new IllegalArgumentException("--storage must be s3 or file, got '" + s + "'");
            };
        }
    }

    private final EmbeddedStorage server;
    private final S3Client client;
    private final Path imageRoot;
    private final Path outDir;

    private DemoStorage(EmbeddedStorage server, Path imageRoot, Path outDir) {
        this.server = server;
        this.client = server == null ? null : server.client();
        this.imageRoot = imageRoot;
        this.outDir = outDir;
    }

    /**
     * Storage of this kind: for {@code s3}, an embedded S3 server on a free port with its objects
     * under {@code work}.
     */
    public static DemoStorage start(Kind kind, Path work, Path imageRoot, Path outDir, java.io.PrintStream log) {
        if (kind == Kind.FILE) {
            return new DemoStorage(null, imageRoot, outDir);
        }
        log.println("starting the embedded S3 server...");
        return new DemoStorage(EmbeddedStorage.onFreePort(work.resolve("storage"), List.of(BUCKET)).start(),
                imageRoot, outDir);
    }

    public boolean isS3() {
        return server != null;
    }

    /** Where the fleet reads and writes: the S3 server's endpoint, or the file roots. */
    public String describe() {
        return isS3() ? "S3 server on " + server.endpoint() + ", bucket " + BUCKET + " (objects in " + server.dataDir() + ")"
                : "files under " + imageRoot + " and " + outDir;
    }

    /** The workers' settings for this storage. */
    public Map<String, String> workerEnv() {
        Map<String, String> env = new HashMap<>();
        if (isS3()) {
            env.putAll(server.clientEnv());
            env.put("IMAGEFLEET_S3_BUCKETS", BUCKET);
        } else {
            env.put("IMAGEFLEET_FILE_ROOTS", imageRoot.toString());
            env.put("IMAGEFLEET_OUTPUT_ROOTS", outDir.toString());
        }
        return env;
    }

    /**
     * The source URI of each image: for S3 it is uploaded first, as {@code in/<path under the
     * image root>}.
     */
    public Map<Path, String> sources(List<Path> files) {
        Map<Path, String> uris = new LinkedHashMap<>();
        for (Path f : files) {
            Path abs = f.toAbsolutePath().normalize();
            if (!isS3()) {
                uris.put(f, abs.toUri().toString());
                continue;
            }
            String key = "in/" + imageRoot.relativize(abs).toString().replace('\\', '/');
            client.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromFile(abs));
            uris.put(f, "s3://" + BUCKET + "/" + key);
        }
        return uris;
    }

    /** The outputs' target prefix. */
    public String target() {
        return isS3() ? "s3://" + BUCKET + "/out/" : outDir.toUri().toString();
    }

    /**
     * For S3, downloads each succeeded job's first output from the bucket into the output
     * directory (what the contact sheet shows is what the store holds); the local copy of each
     * output URI. For files, nothing: the outputs are there already.
     */
    public Map<String, Path> readBack(Collection<ReceivedResult> results) throws IOException {
        Map<String, Path> copies = new HashMap<>();
        if (!isS3()) {
            return copies;
        }
        for (ReceivedResult rr : results) {
            Result r = rr.result();
            if (!r.succeeded() || r.outputs().isEmpty()) {
                continue;
            }
            URI uri = URI.create(r.outputs().get(0).uri());
            String key = uri.getPath().substring(1);
            Path local = outDir.resolve(key.substring(key.lastIndexOf('/') + 1));
            Files.deleteIfExists(local);
            client.getObject(b -> b.bucket(uri.getAuthority()).key(key), ResponseTransformer.toFile(local));
            copies.put(uri.toString(), local);
        }
        return copies;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }
}

package io.imagefleet.worker;

import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.imaging.TestImages;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.source.CountingHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** XML in image metadata never resolves external entities: a loopback server counts the attempts. */
class XmlEntitiesTest {
    static CountingHttpServer entityServer;
    static String xxe;

    @BeforeAll
    static void start() throws Exception {
        WorkerMain.hardenProcess();
        entityServer = new CountingHttpServer(r -> CountingHttpServer.Response.ok("pwned".getBytes(StandardCharsets.UTF_8)));
        xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY ext SYSTEM \"http://127.0.0.1:" + entityServer.port()
                + "/entity\">]><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>&ext;</dc:title></rdf:Description>"
                + "</rdf:RDF></x:xmpmeta>";
    }

    @AfterAll
    static void stop() throws Exception {
        entityServer.close();
    }

    @Test
    void decode_jpegWithXmpExternalEntity_neverFetchesIt() throws Exception {
        byte[] jpeg = TestImages.jpegWithXmp(TestImages.quadrants(32, 32), xxe);

        new ImageDecoder().decode(jpeg, new ImageProbe(1_000_000).probe(jpeg),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30))));

        assertThat(entityServer.connections()).isZero();
    }

    @Test
    void readingTheMetadataToo_neverFetchesIt() throws Exception {
        byte[] jpeg = TestImages.jpegWithXmp(TestImages.quadrants(32, 32), xxe);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            IIOMetadata md = reader.getImageMetadata(0);
            for (String name : md.getMetadataFormatNames()) {
                md.getAsTree(name);
            }
            reader.dispose();
        }

        assertThat(entityServer.connections()).isZero();
    }

    @Test
    void anyJaxpParserInTheWorker_refusesTheEntity() {
        Throwable t = catchThrowable(() -> DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8))));

        assertThat(t).isNotNull().hasMessageContaining("accessExternalDTD");
        assertThat(entityServer.connections()).isZero();
    }
}

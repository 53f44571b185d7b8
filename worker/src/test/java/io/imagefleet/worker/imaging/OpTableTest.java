package io.imagefleet.worker.imaging;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.imagefleet.wire.Op;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpTableTest {
    @Test
    void entries_everyWireOperationOnceUnderItsWireName() {
        List<String> wire = Arrays.stream(Op.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name).toList();

        assertThat(OpTable.entries()).extracting(OpTable.Entry::name).containsExactlyElementsOf(wire);
        assertThat(Op.class.getPermittedSubclasses()).hasSize(OpTable.entries().size());
        assertThat(Op.NAMES).isEqualTo(String.join(", ", wire));
    }

    @Test
    void size_rotateSwapsAndCropByGravityStaysInside() throws Exception {
        Geometry.Size in = new Geometry.Size(400, 200);

        assertThat(OpTable.of(new Op.Rotate(90)).size(in, new Op.Rotate(90), 0)).isEqualTo(new Geometry.Size(200, 400));
        assertThat(OpTable.of(new Op.Rotate(180)).size(in, new Op.Rotate(180), 0)).isEqualTo(in);
        Op.Crop crop = new Op.Crop(null, null, 1000, 100, null);
        assertThat(OpTable.of(crop).size(in, crop, 0)).isEqualTo(new Geometry.Size(400, 100));
    }

    @Test
    void peakBytes_blurCostDoesNotDependOnSigma() {
        Geometry.Size in = new Geometry.Size(1000, 1000);

        assertThat(OpTable.of(new Op.Blur(100.0)).peakBytes(in, new Op.Blur(100.0)))
                .isEqualTo(OpTable.of(new Op.Blur(1.0)).peakBytes(in, new Op.Blur(1.0)))
                .isEqualTo(2 * 4_000_000L);
    }

    @Test
    void image_hugeSizes_saturateInsteadOfWrapping() {
        assertThat(OpTable.image(new Geometry.Size(Integer.MAX_VALUE, Integer.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(Geometry.scaledSize(1, 65_500, new Op.Resize(65_500, null, null, null, true)).height())
                .isEqualTo(Integer.MAX_VALUE);
    }
}

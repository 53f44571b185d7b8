package io.imagefleet.worker;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The worker's layers, checked on its compiled classes (main code only): no cycle between its
 * packages (the root package, the composition root, is one of them); ImageIO and TwelveMonkeys
 * only in {@code imaging}; the Kafka clients (any class of theirs, values included) only in
 * {@code consume} (the consumer loop and the clients it owns), {@code control} (the channel to the
 * supervisor) and the composition root that builds the clients ({@code SlotWorker}) and binds
 * their meters ({@code WorkerTelemetry}). A rule that fails names every offending dependency.
 */
class LayersTest {
    private static final String WORKER = "io.imagefleet.worker";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(WORKER);
    }

    @Test
    void packages_anyTwo_doNotDependOnEachOtherBothWays() {
        slices().assignedFrom(new PackageSlices()).should().beFreeOfCycles().check(classes);
    }

    @Test
    void imageIo_outsideImaging_isNotUsed() {
        noClasses().that().resideOutsideOfPackage(WORKER + ".imaging..")
                .should().dependOnClassesThat().resideInAnyPackage("javax.imageio..", "com.twelvemonkeys..")
                .because("imaging is the only package that reads and writes images (STYLE.md)")
                .check(classes);
    }

    @Test
    void kafkaClients_outsideConsumeAndControl_areNotUsed() {
        noClasses().that().resideOutsideOfPackages(WORKER + ".consume..", WORKER + ".control..")
                .and().doNotHaveFullyQualifiedName(SlotWorker.class.getName())
                .and().doNotHaveFullyQualifiedName(WorkerTelemetry.class.getName())
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("the consumer loop owns the Kafka clients; the slot's composition root (SlotWorker) builds"
                        + " them and WorkerTelemetry binds their meters; the loop's listeners (health, metrics) hear"
                        + " partitions and records as consume's own values (PartitionRef, RecordRef)")
                .check(classes);
    }

    /** One slice per package directly under the worker's, and one for the root package itself. */
    private static final class PackageSlices implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (pkg.equals(WORKER)) {
                return SliceIdentifier.of("(root)");
            }
            if (pkg.startsWith(WORKER + ".")) {
                String rest = pkg.substring(WORKER.length() + 1);
                int dot = rest.indexOf('.');
                return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages of " + WORKER;
        }
    }
}

package io.imagefleet.local;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The local module's layers, checked on its compiled classes (main code only): no cycle between its packages. */
class LayersTest {
    @Test
    void packages_anyTwo_doNotDependOnEachOtherBothWays() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.imagefleet.local");

        slices().matching("io.imagefleet.local.(*)..").should().beFreeOfCycles().check(classes);
    }
}

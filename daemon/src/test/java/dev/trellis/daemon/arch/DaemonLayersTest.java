package dev.trellis.daemon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The daemon's layering: state knows nothing of the backend or the LocalAPI; the backend
 * knows nothing of the LocalAPI (which is one front end of several to come); JNA stays in
 * native-tun; no package cycles.
 */
class DaemonLayersTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.trellis.daemon");
    }

    @Test
    void layers() {
        noClasses().that().resideInAPackage("..daemon.state..")
                .should().dependOnClassesThat().resideInAnyPackage("..daemon.backend..", "..daemon.localapi..")
                .check(classes);
        noClasses().that().resideInAPackage("..daemon.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("..daemon.localapi..")
                .check(classes);
    }

    @Test
    void noJnaOutsideNativeTun() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.sun.jna..").check(classes);
    }

    @Test
    void noPackageCycles() {
        SlicesRuleDefinition.slices().matching("dev.trellis.daemon.(*)..").should().beFreeOfCycles().check(classes);
    }
}

package dev.trellis.engine.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of DEVELOPERS.md, checked on the compiled classes of every module
 * on this classpath (protocol, native-tun, engine): JNA only in native-tun, protocol depends on
 * nothing of ours, native-tun never on the engine, and the engine's packages form no cycle.
 */
class DependencyRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.trellis");
    }

    @Test
    void jnaOnlyInNativeTun() {
        noClasses().that().resideOutsideOfPackage("dev.trellis.tun..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .check(classes);
    }

    @Test
    void protocolDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.trellis.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trellis.engine..", "dev.trellis.tun..")
                .check(classes);
    }

    @Test
    void nativeTunNeverDependsOnTheEngine() {
        noClasses().that().resideInAPackage("dev.trellis.tun..")
                .should().dependOnClassesThat().resideInAPackage("dev.trellis.engine..")
                .check(classes);
    }

    @Test
    void theDeviceCoreKnowsNoFrontEnd() {
        noClasses().that().resideInAnyPackage("dev.trellis.engine.wg..", "dev.trellis.engine.conn..",
                        "dev.trellis.engine.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trellis.engine.uapi..", "dev.trellis.engine.cmd..")
                .check(classes);
    }

    @Test
    void enginePackagesAreFreeOfCycles() {
        SlicesRuleDefinition.slices().matching("dev.trellis.engine.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void linuxTunIsReachedOnlyThroughTheFactory() {
        noClasses().that().resideOutsideOfPackage("dev.trellis.tun..")
                .should().dependOnClassesThat().resideInAPackage("dev.trellis.tun.linux..")
                .check(classes);
    }
}

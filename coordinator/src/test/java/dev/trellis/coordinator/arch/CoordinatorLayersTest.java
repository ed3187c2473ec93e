package dev.trellis.coordinator.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's layering: the store and the live netmap know nothing of each other or of
 * the front ends; the tailnet joins them; front ends (control, login, admin) sit on top; and
 * no package cycles. (That the coordinator never uses the engine or the daemon is enforced by
 * Maven: they are not on its class path.)
 */
class CoordinatorLayersTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.trellis.coordinator");
    }

    @Test
    void storeAndNetmapAreIndependentFoundations() {
        noClasses().that().resideInAPackage("..coordinator.store..")
                .should().dependOnClassesThat().resideInAnyPackage("..coordinator.netmap..", "..coordinator.tailnet..",
                        "..coordinator.control..", "..coordinator.login..", "..coordinator.admin..")
                .check(classes);
        noClasses().that().resideInAPackage("..coordinator.netmap..")
                .should().dependOnClassesThat().resideInAnyPackage("..coordinator.store..", "..coordinator.tailnet..",
                        "..coordinator.control..", "..coordinator.login..", "..coordinator.admin..")
                .check(classes);
    }

    @Test
    void frontEndsDoNotUseEachOther() {
        noClasses().that().resideInAPackage("..coordinator.control..")
                .should().dependOnClassesThat().resideInAnyPackage("..coordinator.login..", "..coordinator.admin..")
                .check(classes);
        noClasses().that().resideInAPackage("..coordinator.tailnet..")
                .should().dependOnClassesThat().resideInAnyPackage("..coordinator.control..", "..coordinator.login..",
                        "..coordinator.admin..", "..coordinator.cmd..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        SlicesRuleDefinition.slices().matching("dev.trellis.coordinator.(*)..").should().beFreeOfCycles().check(classes);
    }
}

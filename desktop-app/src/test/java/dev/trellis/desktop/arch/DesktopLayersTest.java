package dev.trellis.desktop.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The desktop app's layering: the model is pure Java (no JavaFX, no AWT, no D-Bus), so every
 * state is unit-testable; the app logic (watcher, controller) has no JavaFX either; JavaFX is
 * confined to the window (ui), the app's wiring and one notifier; the app never reaches into the
 * daemon or the engine (only the LocalAPI types and client in protocol); no JNA; no package cycles.
 */
class DesktopLayersTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.trellis.desktop");
    }

    @Test
    void theModelIsPure() {
        noClasses().that().resideInAPackage("dev.trellis.desktop.model..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "java.awt..", "org.freedesktop..",
                        "dev.trellis.desktop.app..", "dev.trellis.desktop.ui..", "dev.trellis.desktop.tray..",
                        "dev.trellis.desktop.platform..")
                .check(classes);
    }

    @Test
    void javaFxOnlyInTheWindowTheWiringAndThePopupNotifier() {
        noClasses().that().resideInAnyPackage("dev.trellis.desktop.app..", "dev.trellis.desktop.tray..",
                        "dev.trellis.desktop.icons..", "dev.trellis.desktop.model..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.trellis.desktop.platform..")
                .and().doNotHaveSimpleName("FxNotifier")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(classes);
    }

    @Test
    void onlyTheLocalApiNeverTheDaemonOrEngine() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.trellis.daemon..", "dev.trellis.engine..", "dev.trellis.coordinator..",
                        "dev.trellis.cli..", "com.sun.jna..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        SlicesRuleDefinition.slices().matching("dev.trellis.desktop.(*)..").should().beFreeOfCycles().check(classes);
    }
}

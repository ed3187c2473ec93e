package dev.trellis.lab.mesh;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class whose ordered methods are the steps of one scenario on one shared fixture:
 * once a step fails, it prints the fixture's diagnostics (before teardown destroys the evidence),
 * and every later step fails at once, naming the step it builds on, rather than running on a
 * broken fixture and burying the first failure under timeouts. Register it on an instance field
 * with {@code @RegisterExtension} in a {@code PER_CLASS} test.
 */
public final class ScenarioSteps implements BeforeTestExecutionCallback, AfterTestExecutionCallback {
  private final Supplier<String> diagnostics;
  private volatile String failedStep;

  public ScenarioSteps(Supplier<String> diagnostics) {
    this.diagnostics = diagnostics;
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    if (failedStep != null) {
      throw new AssertionError("not run: this step builds on step " + failedStep + ", which failed");
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isPresent() && failedStep == null) {
      failedStep = context.getDisplayName();
      String report;
      try {
        report = diagnostics.get();
      } catch (RuntimeException e) {
        report = "(no diagnostics: " + e + ")";
      }
      System.out.println("---- state after failure of step " + failedStep + " ----\n" + report);
    }
  }
}

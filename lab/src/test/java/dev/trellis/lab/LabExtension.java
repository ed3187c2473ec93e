package dev.trellis.lab;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a fresh {@link Lab}: checks the host (failing, never skipping, if it is not
 * fit), clears leftovers of crashed runs once, prints device state and logs when the test fails
 * (before teardown destroys them), and always tears the lab down.
 */
final class LabExtension implements BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback {
  private Lab lab;

  Lab lab() {
    if (lab == null) {
      throw new IllegalStateException("no lab: the host check failed or the test has finished");
    }
    return lab;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LabHost.requireReady();
    StaleLabCleaner.cleanOnce();
    lab = Lab.open(context.getRequiredTestClass().getSimpleName() + "/"
        + context.getRequiredTestMethod().getName() + "-" + context.getDisplayName());
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (lab != null && context.getExecutionException().isPresent()) {
      System.out.println("---- lab state after failure of " + context.getDisplayName() + " ----\n"
          + lab.diagnostics());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (lab != null) {
      try {
        lab.close();
      } finally {
        lab = null;
      }
    }
  }
}

package dev.trellis.lab.mesh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one action per item at the same time (virtual threads; the work is waiting on processes),
 * waits for all, and rethrows the first failure with the others suppressed, so that several nodes
 * start, log in or wait in parallel instead of adding their times.
 */
final class Parallel {
  private Parallel() {}

  static <T> void each(List<T> items, Consumer<? super T> action) {
    map(items, item -> {
      action.accept(item);
      return Boolean.TRUE;
    });
  }

  /** The results by item, in the items' order. */
  static <T, R> Map<T, R> map(List<T> items, Function<? super T, ? extends R> action) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> action.apply(item)));
      }
      Map<T, R> results = new LinkedHashMap<>();
      Throwable failure = null;
      for (int i = 0; i < items.size(); i++) {
        try {
          results.put(items.get(i), futures.get(i).get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for parallel work", e);
        }
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error err) {
        throw err;
      }
      if (failure != null) {
        throw new AssertionError(failure);
      }
      return results;
    }
  }
}

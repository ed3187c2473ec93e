package dev.trellis.lab.mesh;

import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What a lab ({@link Mesh}, {@link NatLab}) built, to be undone newest first: processes,
 * namespaces, links. Closing also removes what its nodes leave outside it (the UAPI sockets
 * of daemons killed with SIGKILL, in the shared /var/run/wireguard) and its temporary directory.
 */
final class LabResources {
  private static final Path UAPI_DIR = Path.of("/var/run/wireguard");

  private final Deque<AutoCloseable> stack = new ArrayDeque<>();

  /** Takes {@code resource} to close with the rest; returns it. */
  <T extends AutoCloseable> T own(T resource) {
    synchronized (stack) {
      stack.push(resource);
    }
    return resource;
  }

  /**
   * Closes everything newest first, then deletes {@code nodes}' UAPI sockets and {@code tmp};
   * every step runs, and the first failure is thrown with the others suppressed. Idempotent.
   */
  void closeAll(List<MeshNode> nodes, Path tmp) {
    RuntimeException failure = null;
    synchronized (stack) {
      while (!stack.isEmpty()) {
        try {
          stack.pop().close();
        } catch (Exception e) {
          failure = LabException.accumulate(failure, e instanceof RuntimeException r ? r : new LabException("cleanup failed", e));
        }
      }
    }
    try {
      for (MeshNode node : nodes) {
        Files.deleteIfExists(UAPI_DIR.resolve(node.tun() + ".sock"));
      }
      LabHost.deleteTree(tmp);
    } catch (IOException e) {
      failure = LabException.accumulate(failure, new LabException("cannot delete " + tmp + ": " + e.getMessage(), e));
    }
    if (failure != null) {
      throw failure;
    }
  }
}

package dev.trellis.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything one test builds: namespaces, links, devices, logs. Names embed this process's pid
 * (see {@link StaleLabCleaner}) and a per-lab sequence number, so labs never collide. Closing
 * tears everything down in reverse order and keeps going past failures; a JVM shutdown hook
 * closes labs still open when the run is interrupted.
 */
final class Lab implements AutoCloseable {
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Set<Lab> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Lab::closeQuietly), "lab-cleanup"));
  }

  private final String id = Integer.toString(SEQUENCE.incrementAndGet(), 36);
  private final Path logDir;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<WgNode> nodes = new ArrayList<>();

  private Lab(Path logDir) {
    this.logDir = logDir;
  }

  /** A new, empty lab whose logs go under target/lab-logs/{@code name} ("/" makes subdirectories). */
  static Lab open(String name) {
    Path dir = LabHost.logRoot();
    for (String part : name.split("/")) {
      dir = dir.resolve(part.replaceAll("[^A-Za-z0-9._=-]+", "_"));
    }
    try {
      LabHost.deleteTree(dir);
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LabException("cannot create " + dir, e);
    }
    Lab lab = new Lab(dir);
    OPEN.add(lab);
    return lab;
  }

  Path logDir() {
    return logDir;
  }

  /** A fresh namespace {@code trl-<pid>-<lab><role>}. */
  Netns netns(String role) {
    return own(Netns.create("trl-" + PID + "-" + id + role));
  }

  VethLink link(Netns a, Netns b, int subnet) {
    return VethLink.create(a, b, subnet); // owned by the namespaces: gone when they are deleted
  }

  /** Starts a WireGuard device {@code tw<pid>-<lab><role>} in {@code ns}. */
  WgNode wg(Impl impl, Netns ns, String role, int tunnelHost, int listenPort, Map<String, String> env) {
    WgNode node = own(WgNode.start(impl, ns, "tw" + PID + "-" + id + role, tunnelHost, listenPort, env, logDir));
    nodes.add(node);
    return node;
  }

  private <T extends AutoCloseable> T own(T resource) {
    synchronized (resources) {
      resources.push(resource);
    }
    return resource;
  }

  /** State of every device, for a failure report. */
  String diagnostics() {
    StringBuilder out = new StringBuilder("lab logs: " + logDir + "\n");
    for (WgNode node : nodes) {
      try {
        out.append(node.describe()).append('\n');
      } catch (RuntimeException e) {
        out.append("== ").append(node).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    OPEN.remove(this);
    RuntimeException failure = null;
    synchronized (resources) {
      while (!resources.isEmpty()) {
        try {
          resources.pop().close();
        } catch (Exception e) {
          RuntimeException wrapped = e instanceof RuntimeException r ? r : new LabException("cleanup failed", e);
          if (failure == null) {
            failure = wrapped;
          } else {
            failure.addSuppressed(wrapped);
          }
        }
      }
    }
    try {
      LabHost.deleteTree(logDir.resolve("secrets"));
    } catch (IOException e) {
      // Throwaway test keys under target/; not worth failing a test for.
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeQuietly(Lab lab) {
    try {
      lab.close();
    } catch (RuntimeException e) {
      System.err.println("lab cleanup at exit: " + e.getMessage());
    }
  }
}

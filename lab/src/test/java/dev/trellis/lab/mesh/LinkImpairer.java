package dev.trellis.lab.mesh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * netem's loss, delay, jitter and reorder, for kernels built without {@code sch_netem}: a program
 * run in the lab's internet router that takes the packets iptables sends to a netfilter queue
 * ({@link NfQueue}) and, per packet, drops it ({@code loss} %), lets it go at once ({@code reorder}
 * %, so it overtakes held ones), or lets it go after {@code delay} ± {@code jitter} (uniform).
 * Decisions come from a seeded random generator, so a run's sequence of decisions repeats.
 *
 * <p>It prints {@code ready queue N} once bound. On SIGTERM it lets every held packet go at once
 * and prints its counts.
 *
 * <pre>
 * LinkImpairer --queue N [--loss P] [--delay-us D] [--jitter-us J] [--reorder P] [--seed S]
 * </pre>
 */
public final class LinkImpairer {
  private static final int QUEUE_LENGTH = 4096;

  private final NfQueue queue;
  private final double loss;
  private final long delayMicros;
  private final long jitterMicros;
  private final double reorder;
  private final Random random;
  private final ScheduledExecutorService held = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("verdicts").unstarted(r));
  private final AtomicLong packets = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong early = new AtomicLong();
  private volatile boolean stopping;

  private LinkImpairer(NfQueue queue, double loss, long delayMicros, long jitterMicros, double reorder, long seed) {
    this.queue = queue;
    this.loss = loss;
    this.delayMicros = delayMicros;
    this.jitterMicros = jitterMicros;
    this.reorder = reorder;
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws IOException {
    int queueNumber = -1;
    double loss = 0;
    double reorder = 0;
    long delay = 0;
    long jitter = 0;
    long seed = 1;
    try {
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        String value = args[i + 1];
        switch (args[i]) {
          case "--queue" -> queueNumber = Integer.parseInt(value);
          case "--loss" -> loss = Double.parseDouble(value);
          case "--reorder" -> reorder = Double.parseDouble(value);
          case "--delay-us" -> delay = Long.parseLong(value);
          case "--jitter-us" -> jitter = Long.parseLong(value);
          case "--seed" -> seed = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (queueNumber < 0) {
        throw new IllegalArgumentException("--queue is required");
      }
      // Checks the numbers as the harness's own type does.
      new Impairment(loss, java.time.Duration.ofNanos(delay * 1000), java.time.Duration.ofNanos(jitter * 1000), reorder);
    } catch (IllegalArgumentException e) {
      System.err.println("LinkImpairer: " + e.getMessage());
      System.exit(2);
    }
    LinkImpairer impairer = new LinkImpairer(NfQueue.bind(queueNumber, QUEUE_LENGTH), loss, delay, jitter, reorder, seed);
    impairer.run(queueNumber);
  }

  private void run(int queueNumber) throws IOException {
    CountDownLatch receiverDone = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = true;
      try {
        receiverDone.await(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      List<Runnable> stillHeld = held.shutdownNow();
      stillHeld.forEach(Runnable::run); // each one accepts its packet
      System.out.println("stopped: packets " + packets + " dropped " + dropped + " sent-early " + early + " released-at-exit "
          + stillHeld.size());
      queue.close();
    }, "impairer-stop"));
    System.out.println("ready queue " + queueNumber + " loss " + loss + "% delay " + delayMicros + "us jitter "
        + jitterMicros + "us reorder " + reorder + "%");
    System.out.flush();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(1 << 16);
      while (!stopping) {
        queue.receive(buffer, this::decide);
      }
    } finally {
      receiverDone.countDown();
    }
  }

  /** Runs on the receiving thread only, which is what keeps the seeded sequence of decisions repeatable. */
  private void decide(int id) {
    packets.incrementAndGet();
    if (loss > 0 && random.nextDouble() * 100 < loss) {
      dropped.incrementAndGet();
      verdict(id, false);
    } else if (delayMicros == 0) {
      verdict(id, true);
    } else if (reorder > 0 && random.nextDouble() * 100 < reorder) {
      early.incrementAndGet();
      verdict(id, true);
    } else {
      long wait = delayMicros + (jitterMicros == 0 ? 0 : random.nextLong(-jitterMicros, jitterMicros + 1));
      held.schedule(() -> verdict(id, true), wait, TimeUnit.MICROSECONDS);
    }
  }

  private void verdict(int id, boolean accept) {
    try {
      queue.verdict(id, accept);
    } catch (IOException e) {
      System.err.println("verdict for packet " + id + ": " + e.getMessage());
    }
  }
}

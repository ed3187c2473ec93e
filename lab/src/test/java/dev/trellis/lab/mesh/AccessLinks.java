package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.Netns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bad links for {@link NatLab#netem}: an {@link Impairment} on a host's link to the internet
 * router, both ways. With {@code sch_netem} in the kernel it is {@code tc qdisc … netem} on both
 * ends of the veth; without (this project's CI kernel has none), the router sends the link's
 * forwarded packets to a netfilter queue (queue number = the link's N) served by a
 * {@link LinkImpairer}, with {@code --queue-bypass} so that packets pass untouched whenever no
 * impairer is bound.
 */
final class AccessLinks {
  private final Netns internet;
  private final Path logDir;
  private final Map<String, BackgroundProcess> impairers = new ConcurrentHashMap<>();
  private Boolean netem;
  private int started;

  AccessLinks(Netns internet, Path logDir) {
    this.internet = internet;
    this.logDir = logDir;
  }

  void apply(NatHost host, Impairment impairment) {
    clear(host);
    if (kernelHasNetem()) {
      for (Map.Entry<Netns, String> side : ends(host).entrySet()) {
        List<String> command = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", side.getValue(), "root", "netem"));
        command.addAll(impairment.netemWords());
        side.getKey().execOk(command.toArray(String[]::new));
      }
      return;
    }
    int queue = host.link();
    List<String> command = new ArrayList<>(NatProbe.javaCommand(LinkImpairer.class, "--enable-native-access=ALL-UNNAMED"));
    command.addAll(List.of("--queue", Integer.toString(queue), "--loss", Double.toString(impairment.lossPercent()),
        "--delay-us", Long.toString(impairment.delay().toNanos() / 1000), "--jitter-us",
        Long.toString(impairment.jitter().toNanos() / 1000), "--reorder", Double.toString(impairment.reorderPercent()),
        "--seed", Integer.toString(queue)));
    BackgroundProcess impairer;
    synchronized (this) {
      impairer = internet.spawn("impairer " + host.name(), logDir.resolve("impairer-" + host.name() + "-" + (++started)
          + ".log"), Map.of(), command.toArray(String[]::new));
    }
    impairers.put(host.name(), impairer);
    Await.until("the impairer of " + host.name() + " to bind netfilter queue " + queue, CoordinatorProcess.START_TIMEOUT,
        () -> {
          if (!impairer.isAlive()) {
            throw new AssertionError("the impairer of " + host.name() + " exited with " + impairer.waitFor(Duration.ZERO)
                + "; " + impairer.log() + ":\n" + impairer.outputTail(20));
          }
          return impairer.output().contains("ready queue");
        }, ready -> ready);
    for (List<String> rule : queueRules(host)) {
      internet.execOk(iptables("-I", rule));
    }
  }

  void clear(NatHost host) {
    BackgroundProcess impairer = impairers.remove(host.name());
    if (impairer != null) {
      for (List<String> rule : queueRules(host)) {
        internet.exec(iptables("-D", rule)); // already gone is fine
      }
      impairer.stop(Duration.ofSeconds(5)); // on SIGTERM it lets go of every packet it holds
    }
    for (Map.Entry<Netns, String> side : ends(host).entrySet()) {
      if (side.getKey().execOk("tc", "qdisc", "show", "dev", side.getValue()).stdout().contains("netem")) {
        side.getKey().execOk("tc", "qdisc", "del", "dev", side.getValue(), "root");
      }
    }
  }

  String backend() {
    return kernelHasNetem() ? "tc netem" : "nfqueue";
  }

  String state(NatHost host) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Netns, String> side : ends(host).entrySet()) {
      out.append(side.getKey().name()).append(": ")
          .append(side.getKey().exec("tc", "qdisc", "show", "dev", side.getValue()).stdout());
    }
    for (String rule : internet.exec("iptables", "-w", "-S", "FORWARD").stdout().lines().toList()) {
      if (rule.contains(" " + host.routerInterface() + " ")) {
        out.append(internet.name()).append(": ").append(rule).append('\n');
      }
    }
    BackgroundProcess impairer = impairers.get(host.name());
    if (impairer != null) {
      out.append(impairer).append(impairer.isAlive() ? "" : " (exited)").append(":\n")
          .append(impairer.outputTail(5)).append('\n');
    }
    return out.toString();
  }

  private synchronized boolean kernelHasNetem() {
    if (netem == null) {
      // The router's loopback carries nothing of the lab's: a safe place to try.
      netem = internet.exec("tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms").ok();
      if (netem) {
        internet.execOk("tc", "qdisc", "del", "dev", "lo", "root");
      }
    }
    return netem;
  }

  /** The two ends of the host's link: namespace → interface. */
  private Map<Netns, String> ends(NatHost host) {
    Map<Netns, String> ends = new LinkedHashMap<>();
    ends.put(host.publicSide(), host.publicInterface());
    ends.put(internet, host.routerInterface());
    return ends;
  }

  /** The router's rules sending the link's forwarded packets, both ways, to the link's queue. */
  private static List<List<String>> queueRules(NatHost host) {
    List<List<String>> rules = new ArrayList<>();
    for (String direction : List.of("-i", "-o")) {
      rules.add(List.of("FORWARD", direction, host.routerInterface(), "-j", "NFQUEUE", "--queue-num",
          Integer.toString(host.link()), "--queue-bypass"));
    }
    return rules;
  }

  private static String[] iptables(String action, List<String> rule) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", action));
    command.addAll(rule);
    return command.toArray(String[]::new);
  }
}

package dev.trellis.engine.natlab;

import java.time.Clock;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One simulated internet: its networks and machines, the clock, and the queue of packet hops
 * still to happen. Two modes:
 *
 * <ul>
 *   <li>{@link #stepped}: time is a {@link SimClock}; nothing moves until a test calls
 *       {@link #deliverAll}, {@link #step} or {@link #advance}. Fully deterministic.
 *   <li>{@link #realTime}: a delivery thread moves packets as their time comes on the system
 *       clock, so code with its own threads (a WireGuard device) runs over it unchanged.
 * </ul>
 *
 * <p>Invariant: all routing, handler and table state of every network, machine, NAT and
 * firewall of this sim is touched only with {@link #lock} held; each hop is one event.
 */
public final class Sim implements AutoCloseable {
    /** Guards against a forwarding loop or a test that never settles. */
    static final int MAX_EVENTS_PER_CALL = 1_000_000;

    private record Event(long due, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final SimClock simClock;
    private final long startNanos = System.nanoTime();
    private final Random random;
    private final Thread deliverer;
    private long seq;
    private boolean closed;
    private RuntimeException failure;

    private Sim(SimClock simClock, long seed) {
        this.simClock = simClock;
        this.random = new Random(seed);
        if (simClock == null) {
            deliverer = Thread.ofPlatform().daemon().name("natlab-delivery").start(this::deliverLoop);
        } else {
            deliverer = null;
        }
    }

    /** A deterministic sim driven by the test on {@code clock}. */
    public static Sim stepped(SimClock clock, long seed) {
        return new Sim(clock, seed);
    }

    /** A sim whose own thread delivers packets in real time. Close it to stop the thread. */
    public static Sim realTime(long seed) {
        return new Sim(null, seed);
    }

    public boolean isStepped() {
        return simClock != null;
    }

    /** Simulation time in nanoseconds (virtual when stepped, since creation when real-time). */
    public long nanos() {
        return simClock != null ? simClock.nanos() : System.nanoTime() - startNanos;
    }

    /** A wall clock for code under test: the SimClock when stepped, else the system clock. */
    public Clock clock() {
        return simClock != null ? simClock : Clock.systemUTC();
    }

    Random random() {
        return random;
    }

    public Network network(String name, String prefix) {
        return new Network(this, name, prefix);
    }

    public Machine machine(String name) {
        return new Machine(this, name);
    }

    /** A machine with one interface, its default route. */
    public Machine host(String name, Network net, String address) {
        Machine m = machine(name);
        m.attach(net, address);
        return m;
    }

    /**
     * A NAT router: its WAN interface on {@code wan} (its default route) and its LAN interface,
     * which becomes {@code lan}'s gateway.
     */
    public Nat nat(String name, Network lan, String lanAddress, Network wan, String wanAddress, NatConfig config) {
        Machine router = machine(name);
        Interface wanIf = router.attach(wan, wanAddress);
        Interface lanIf = router.attach(lan, lanAddress);
        Nat nat = new Nat(this, config, wanIf);
        router.setForwarding(true);
        router.setHandler(nat);
        lan.setGateway(lanIf);
        return nat;
    }

    /** Runs every hop due now, including hops they cause; returns how many ran. Stepped only. */
    public int deliverAll() {
        requireStepped();
        return runUntil(simClock.nanos());
    }

    /** Runs the single next hop due now; false if none is due. Stepped only. */
    public boolean step() {
        requireStepped();
        lock.lock();
        try {
            Event e = events.peek();
            if (e == null || e.due > simClock.nanos()) {
                return false;
            }
            events.poll();
            e.action.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Moves virtual time forward by {@code d}, running every hop in time order on the way. */
    public int advance(Duration d) {
        requireStepped();
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration: " + d);
        }
        int n = runUntil(simClock.nanos() + d.toNanos());
        return n;
    }

    /** Hops scheduled but not yet run. */
    public int pending() {
        return locked(events::size);
    }

    /** The first exception a handler threw on the delivery thread (real-time mode), or null. */
    public RuntimeException failure() {
        return locked(() -> failure);
    }

    private int runUntil(long target) {
        lock.lock();
        try {
            int n = 0;
            while (true) {
                Event e = events.peek();
                if (e == null || e.due > target) {
                    break;
                }
                if (++n > MAX_EVENTS_PER_CALL) {
                    throw new IllegalStateException("more than " + MAX_EVENTS_PER_CALL
                            + " hops without settling: a forwarding loop or endless traffic?");
                }
                events.poll();
                simClock.advanceTo(e.due);
                e.action.run();
            }
            simClock.advanceTo(target);
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void requireStepped() {
        if (simClock == null) {
            throw new IllegalStateException("a real-time sim delivers by itself; use a stepped sim to drive it");
        }
    }

    /** Schedules {@code action} to run with the lock held after {@code delayNanos}. */
    void schedule(long delayNanos, Runnable action) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            events.add(new Event(nanos() + Math.max(0, delayNanos), seq++, action));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void locked(Runnable r) {
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }

    <T> T locked(Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }

    void lockForMachine() {
        lock.lock();
    }

    void unlockForMachine() {
        lock.unlock();
    }

    private void deliverLoop() {
        lock.lock();
        try {
            while (!closed) {
                Event e = events.peek();
                long wait = e == null ? Long.MAX_VALUE : e.due - nanos();
                if (wait > 0) {
                    try {
                        if (e == null) {
                            changed.await();
                        } else {
                            changed.awaitNanos(wait);
                        }
                    } catch (InterruptedException ex) {
                        return;
                    }
                    continue;
                }
                events.poll();
                try {
                    e.action.run();
                } catch (RuntimeException ex) {
                    // keep the network running for the other flows; the test can see why
                    if (failure == null) {
                        failure = ex;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the delivery thread (real-time mode) and drops packets still in flight. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            events.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (deliverer != null) {
            try {
                deliverer.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

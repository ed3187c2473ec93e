package dev.trellis.engine.wg;

import java.security.SecureRandom;
import java.util.concurrent.locks.StampedLock;

/**
 * Receiver index → handshake or keypair (whitepaper §5.4: the 32-bit "sender" field). Indices
 * are random and never 0. Reads on the data path are optimistic and allocation-free; writes,
 * a few per handshake, take the lock. Open addressing with linear probing and backward-shift
 * deletion, so there are no tombstones to clean.
 */
final class IndexTable {
    /** What an index names: a handshake in flight (keypair null) or an established keypair. */
    record Entry(Peer peer, Keypair keypair) {}

    private final SecureRandom random = new SecureRandom();
    private final StampedLock lock = new StampedLock();
    private int[] keys = new int[64];
    private Entry[] values = new Entry[64];
    private int size;

    /** Registers a fresh random index for a handshake of {@code peer}. */
    int newHandshakeIndex(Peer peer) {
        Entry e = new Entry(peer, null);
        long stamp = lock.writeLock();
        try {
            while (true) {
                int idx = random.nextInt();
                if (idx != 0 && find(keys, idx) < 0) {
                    put(idx, e);
                    return idx;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Moves {@code index} from its handshake to {@code keypair}, if still registered. */
    void swapToKeypair(int index, Keypair keypair) {
        long stamp = lock.writeLock();
        try {
            int slot = find(keys, index);
            if (slot >= 0) {
                values[slot] = new Entry(keypair.peer, keypair);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    void remove(int index) {
        if (index == 0) {
            return;
        }
        long stamp = lock.writeLock();
        try {
            int slot = find(keys, index);
            if (slot < 0) {
                return;
            }
            int mask = keys.length - 1;
            // backward-shift deletion keeps every probe chain unbroken
            int hole = slot;
            int i = slot;
            while (true) {
                i = (i + 1) & mask;
                if (keys[i] == 0) {
                    break;
                }
                int home = home(keys[i], mask);
                boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
                if (movable) {
                    keys[hole] = keys[i];
                    values[hole] = values[i];
                    hole = i;
                }
            }
            keys[hole] = 0;
            values[hole] = null;
            size--;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    Entry lookup(int index) {
        if (index == 0) {
            return null;
        }
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            int[] k = keys;
            Entry[] v = values;
            Entry found = null;
            if (k.length == v.length) {
                int mask = k.length - 1;
                for (int i = home(index, mask), n = 0; n < k.length && k[i] != 0; i = (i + 1) & mask, n++) {
                    if (k[i] == index) {
                        found = v[i];
                        break;
                    }
                }
            }
            if (lock.validate(stamp)) {
                return found;
            }
        }
        stamp = lock.readLock();
        try {
            int slot = find(keys, index);
            return slot < 0 ? null : values[slot];
        } finally {
            lock.unlockRead(stamp);
        }
    }

    int size() {
        long stamp = lock.readLock();
        try {
            return size;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private static int home(int key, int mask) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private static int find(int[] k, int key) {
        int mask = k.length - 1;
        for (int i = home(key, mask), n = 0; n < k.length && k[i] != 0; i = (i + 1) & mask, n++) {
            if (k[i] == key) {
                return i;
            }
        }
        return -1;
    }

    private void put(int key, Entry e) {
        if ((size + 1) * 2 > keys.length) {
            int[] oldK = keys;
            Entry[] oldV = values;
            int[] nk = new int[oldK.length * 2];
            Entry[] nv = new Entry[oldK.length * 2];
            for (int i = 0; i < oldK.length; i++) {
                if (oldK[i] != 0) {
                    insert(nk, nv, oldK[i], oldV[i]);
                }
            }
            values = nv;
            keys = nk;
        }
        insert(keys, values, key, e);
        size++;
    }

    private static void insert(int[] k, Entry[] v, int key, Entry e) {
        int mask = k.length - 1;
        int i = home(key, mask);
        while (k[i] != 0) {
            i = (i + 1) & mask;
        }
        v[i] = e;
        k[i] = key;
    }
}

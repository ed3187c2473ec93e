package dev.trellis.engine.wg;

import java.util.Arrays;

/**
 * Elements one thread has readied for the crypto stage, collected so that they can be handed
 * over together. Reused per thread: it grows once to the largest batch and never shrinks.
 */
final class WorkList {
    private Element[] items = new Element[64];
    private int size;

    void add(Element e) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = e;
    }

    int size() {
        return size;
    }

    Element get(int i) {
        return items[i];
    }

    void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
    }
}

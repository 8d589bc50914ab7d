package io.wsgrid.gateway.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded ring buffer: keeps the newest {@code capacity} items and forgets the oldest, so the gateway's memory for
 * history stays fixed however long it runs. Safe for one writer and any number of readers (a lock per call; both sides
 * run every few seconds, never on the data path).
 */
final class Ring<T> {

    private final Object[] items;
    private int next;
    private int size;

    Ring(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.items = new Object[capacity];
    }

    int capacity() {
        return items.length;
    }

    /** Appends an item, dropping the oldest when full. */
    synchronized void add(T item) {
        items[next] = item;
        next = (next + 1) % items.length;
        size = Math.min(size + 1, items.length);
    }

    /** The items, oldest first (a copy: later adds do not change it). */
    @SuppressWarnings("unchecked")
    synchronized List<T> snapshot() {
        List<T> copy = new ArrayList<>(size);
        int first = (next - size + items.length) % items.length;
        for (int i = 0; i < size; i++) {
            copy.add((T) items[(first + i) % items.length]);
        }
        return copy;
    }

    /** The newest item, or null when empty. */
    @SuppressWarnings("unchecked")
    synchronized T last() {
        return size == 0 ? null : (T) items[(next - 1 + items.length) % items.length];
    }
}

package dev.muserving.bench.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events in primitive arrays: ordered by time, then by insertion, so that equal
 * times replay in the same order on every run. An event is a kind and an int payload.
 */
final class EventQueue {

    private double[] times = new double[1024];
    private long[] order = new long[1024];
    private long[] events = new long[1024];
    private int size;
    private long inserted;

    private double topTime;
    private long topEvent;

    void push(double time, int kind, int payload) {
        if (size == times.length) {
            int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            order = Arrays.copyOf(order, capacity);
            events = Arrays.copyOf(events, capacity);
        }
        int i = size++;
        long seq = inserted++;
        long event = ((long) kind << 32) | (payload & 0xFFFFFFFFL);
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, seq, parent)) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, seq, event);
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    int capacity() {
        return times.length;
    }

    /** Removes the earliest event; read it with {@link #time()}, {@link #kind()}, {@link #payload()}. */
    void pop() {
        topTime = times[0];
        topEvent = events[0];
        size--;
        if (size == 0) {
            return;
        }
        double time = times[size];
        long seq = order[size];
        long event = events[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(times[right], order[right], child)) {
                child = right;
            }
            if (!before(times[child], order[child], time, seq)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, time, seq, event);
    }

    double peekTime() {
        return times[0];
    }

    double time() {
        return topTime;
    }

    int kind() {
        return (int) (topEvent >>> 32);
    }

    int payload() {
        return (int) topEvent;
    }

    private boolean before(double time, long seq, int other) {
        return before(time, seq, times[other], order[other]);
    }

    private static boolean before(double time, long seq, double otherTime, long otherSeq) {
        return time < otherTime || (time == otherTime && seq < otherSeq);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        order[to] = order[from];
        events[to] = events[from];
    }

    private void set(int i, double time, long seq, long event) {
        times[i] = time;
        order[i] = seq;
        events[i] = event;
    }
}

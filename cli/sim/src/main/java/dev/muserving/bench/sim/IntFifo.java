package dev.muserving.bench.sim;


/** A growable ring buffer of ints: request ids waiting in a pod or a balancer; taken from either end. */
final class IntFifo {

    private int[] items = new int[8];
    private int head;
    private int size;

    void add(int value) {
        if (size == items.length) {
            int[] grown = new int[items.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = items[(head + i) % items.length];
            }
            items = grown;
            head = 0;
        }
        items[(head + size) % items.length] = value;
        size++;
    }

    int peek() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return items[head];
    }

    int poll() {
        int value = peek();
        head = (head + 1) % items.length;
        size--;
        return value;
    }

    int peekLast() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return items[(head + size - 1) % items.length];
    }

    int pollLast() {
        int value = peekLast();
        size--;
        return value;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}

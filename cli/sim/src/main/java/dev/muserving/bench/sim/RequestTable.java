package dev.muserving.bench.sim;

import java.util.Arrays;

/**
 * Requests in flight, in parallel arrays indexed by a recycled id: nothing is kept once a request
 * ends, so memory follows the number of requests in the system, not the length of the run.
 */
final class RequestTable {

    double[] arrival = new double[1024];
    /** Standard normal quantile of the request's size, shared by every system replaying it. */
    double[] size = new double[1024];
    double[] serviceSeconds = new double[1024];
    int[] function = new int[1024];
    int[] balancer = new int[1024];
    int[] pod = new int[1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int used;
    private int live;

    int add(double arrivalTime, int fn, int lb, double z) {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
        } else {
            if (used == arrival.length) {
                grow();
            }
            id = used++;
        }
        arrival[id] = arrivalTime;
        size[id] = z;
        function[id] = fn;
        balancer[id] = lb;
        pod[id] = -1;
        live++;
        return id;
    }

    void release(int id) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = id;
        live--;
    }

    int live() {
        return live;
    }

    /** Slots ever allocated: the high-water mark of requests in flight. */
    int capacity() {
        return arrival.length;
    }

    private void grow() {
        int capacity = arrival.length * 2;
        arrival = Arrays.copyOf(arrival, capacity);
        size = Arrays.copyOf(size, capacity);
        serviceSeconds = Arrays.copyOf(serviceSeconds, capacity);
        function = Arrays.copyOf(function, capacity);
        balancer = Arrays.copyOf(balancer, capacity);
        pod = Arrays.copyOf(pod, capacity);
    }
}

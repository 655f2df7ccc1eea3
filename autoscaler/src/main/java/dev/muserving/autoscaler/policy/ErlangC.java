package dev.muserving.autoscaler.policy;

/**
 * The M/M/k queue: the probability that a request waits (Erlang C) and the waiting time a share of
 * requests stays under. Used to size a function so its predicted tail meets its SLO.
 */
final class ErlangC {

    private ErlangC() {}

    /**
     * Probability that an arriving request waits, with {@code servers} servers of rate {@code mu}
     * each and arrival rate {@code lambda}; 1 when the queue is unstable.
     */
    static double waitProbability(int servers, double lambda, double mu) {
        double load = lambda / mu; // offered load in Erlangs
        if (load >= servers) {
            return 1;
        }
        // Erlang B by its stable recursion, then C from B.
        double b = 1;
        for (int k = 1; k <= servers; k++) {
            b = load * b / (k + load * b);
        }
        return servers * b / (servers - load * (1 - b));
    }

    /**
     * The waiting time that a {@code quantile} share of requests stays under (e.g. 0.99): the wait is
     * 0 with probability 1 - C and exponential with rate k mu - lambda otherwise.
     */
    static double waitQuantile(int servers, double lambda, double mu, double quantile) {
        double waiting = waitProbability(servers, lambda, mu);
        double tail = 1 - quantile;
        if (waiting <= tail) {
            return 0;
        }
        double drain = servers * mu - lambda;
        return drain <= 0 ? Double.POSITIVE_INFINITY : Math.log(waiting / tail) / drain;
    }
}

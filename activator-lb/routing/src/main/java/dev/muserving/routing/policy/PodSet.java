package dev.muserving.routing.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.PodHeaderState;

/**
 * The ready pods of one function as one balancer sees them. Indexed rather than a list of records so
 * that the balancer's hot path allocates nothing per request; indices are stable between calls
 * unless a pod comes or goes.
 */
public interface PodSet {

    int size();

    Arch arch(int pod);

    /** Requests this balancer sent to the pod and has not seen answered yet. */
    int inFlight(int pod);

    /** The pod's last state, from the headers of responses that passed through this balancer. */
    PodHeaderState lastReport(int pod);
}

package dev.muserving.api;

/** Where a pod is in its life, as far as the policies care. */
public enum PodPhase {
    /** Bound to a node and starting: holds resources, serves nothing yet (the cold start). */
    STARTING,
    /** Ready: serves requests. */
    READY,
    /** Told to stop: serves no new requests, finishes the ones it holds, still holds resources. */
    TERMINATING
}

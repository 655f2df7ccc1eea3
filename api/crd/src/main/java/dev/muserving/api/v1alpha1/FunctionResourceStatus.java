package dev.muserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;
import java.util.Map;

/** What the operator reports about a Function. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// A newer controller may write fields this reader does not know yet (a rolling upgrade): they are
// skipped, not fatal to the informer that reads them.
@JsonIgnoreProperties(ignoreUnknown = true)
public class FunctionResourceStatus {

    @JsonPropertyDescription("Where the function answers through the activator-lb: http://<name>.<namespace>.<domain>.")
    public String url;
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;
    @JsonPropertyDescription("Ready (the wanted pods serve, or the spec cannot be acted on and why), Scheduled "
            + "(every pod is on a node, or why not) and, with spec.slo, SLOMet (the p99 of the last 60 s within spec.slo.p99).")
    public List<Condition> conditions;
    @JsonPropertyDescription("Pod counts over every architecture.")
    public Replicas replicas;
    @JsonPropertyDescription("Pod counts per architecture (amd64, arm64).")
    public Map<String, ArchitectureStatus> byArchitecture;
    @JsonPropertyDescription("Why the function has the pods it wants, in one line.")
    public String lastScaleReason;
    @JsonPropertyDescription("The label selector of the function's pods (for the scale subresource).")
    @LabelSelector
    public String selector;

    /** Replica counts over every architecture. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Replicas {
        @JsonPropertyDescription("Pods wanted.")
        public Integer desired;
        @JsonPropertyDescription("Pods placed on a node.")
        public Integer allocated;
        @JsonPropertyDescription("Pods ready to serve.")
        @StatusReplicas
        public Integer ready;
    }

    /** One architecture's pods. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class ArchitectureStatus {
        @JsonPropertyDescription("Pods of this architecture wanted: placement's share of the replicas the autoscaler wants.")
        public Integer desired;
        @JsonPropertyDescription("Pods of this architecture placed on a node.")
        public Integer allocated;
        @JsonPropertyDescription("Pods of this architecture ready to serve.")
        public Integer ready;
        @JsonPropertyDescription("Requests per second one ready pod of this architecture completes while busy (Mu-Service-Rate).")
        public Double serviceRate;
    }
}

package dev.muserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;
import java.util.Map;

/** What the operator reports about a Function. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionResourceStatus {

    public String url;
    public Long observedGeneration;
    /** Ready, Scheduled, SLOMet. */
    public List<Condition> conditions;
    public Replicas replicas;
    public Map<String, ArchitectureStatus> byArchitecture;
    public String lastScaleReason;
    /** The pods' label selector, for the scale subresource. */
    @LabelSelector
    public String selector;

    /** Replica counts over every architecture. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Replicas {
        public Integer desired;
        public Integer allocated;
        @StatusReplicas
        public Integer ready;
    }

    /** One architecture's pods. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ArchitectureStatus {
        public Integer ready;
        /** Requests per second one ready pod completes while busy (the Mu-Service-Rate). */
        public Double serviceRate;
    }
}

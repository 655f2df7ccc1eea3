package dev.muserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A serverless function: what users {@code kubectl apply}. Its CRD (deploy/crds/) is generated from
 * these classes; the schema and CEL rules reject a bad Function at apply time, naming the field.
 */
@Group(Function.GROUP)
@Version(Function.VERSION)
@Kind("Function")
@Plural("functions")
@Singular("function")
@ShortNames("fn")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Desired", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.replicas.desired")
@AdditionalPrinterColumn(name = "Allocated", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.replicas.allocated")
@AdditionalPrinterColumn(name = "Serving", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.replicas.ready",
        getDescription = "Ready replicas")
@AdditionalPrinterColumn(name = "URL", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.url")
// The name becomes a Service's name, a label value and a DNS label of the function's host name:
// a DNS-1035 label, as Knative requires of a Service's name.
@ValidationRule(value = "self.metadata.name.matches('" + FunctionSchema.NAME + "') && self.metadata.name.size() <= " + FunctionSchema.NAME_MAX,
        message = FunctionSchema.NAME_RULE, reason = "FieldValueInvalid")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class Function extends CustomResource<FunctionResourceSpec, FunctionResourceStatus> implements Namespaced {

    public static final String GROUP = "muserving.dev";
    public static final String VERSION = "v1alpha1";

    private static final long serialVersionUID = 1L;

    @Override
    @Required
    @JsonPropertyDescription("What the function runs and how it scales: its image, resources, scale bounds, SLO, "
            + "weight and timeout (docs/function.md).")
    public FunctionResourceSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator last saw: conditions, replicas, the URL (filled by the system).")
    public FunctionResourceStatus getStatus() {
        return super.getStatus();
    }
}

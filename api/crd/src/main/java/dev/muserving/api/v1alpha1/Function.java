package dev.muserving.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class Function extends CustomResource<FunctionResourceSpec, FunctionResourceStatus> implements Namespaced {

    public static final String GROUP = "muserving.dev";
    public static final String VERSION = "v1alpha1";

    private static final long serialVersionUID = 1L;
}

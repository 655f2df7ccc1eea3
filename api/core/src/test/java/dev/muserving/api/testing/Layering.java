package dev.muserving.api.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The layering of docs/architecture.md as rules over a root package ({@code dev.muserving} for the product, a
 * fixture's root in the test that shows each rule can fail):
 * <ul>
 *   <li>no cycles between packages;
 *   <li>policies ← adapters ← apps: the api is below everything, policies see only the api, the
 *       adapters (loops, data plane, simulator, local mode, the operator's model and reconciler)
 *       see policies and the api, and nothing depends on an app;
 *   <li>the data plane never imports the controller or the CLI;
 *   <li>the simulator never imports Vert.x (nor any other framework).
 * </ul>
 */
public final class Layering {

    private Layering() {}

    /** Every rule, for the classes under {@code root}. */
    public static List<ArchRule> rules(String root) {
        return List.of(noPackageCycles(root), policiesAdaptersApps(root), dataPlaneIsNotTheControllerOrTheCli(root),
                simulatorHasNoFramework(root));
    }

    public static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles()
                .because("a package cycle means neither side can change alone");
    }

    public static ArchRule policiesAdaptersApps(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy(root + ".api..")
                .layer("policies").definedBy(root + ".routing.policy..", root + ".autoscaler.policy..", root + ".placement.policy..")
                .layer("adapters").definedBy(root + ".autoscaler.loop..", root + ".dataplane..", root + ".bench..", root + ".yaml..",
                        root + ".local..", root + ".load..", root + ".emulate..", root + ".lbbench..", root + ".placementbench..",
                        root + ".soak..", root + ".clusterbench..",
                        root + ".operator.model..", root + ".operator.reconciler..", root + ".operator.placement..", root + ".operator.autoscaling..",
                        root + ".activator.kubernetes..")
                .layer("apps").definedBy(root + ".cli..", root + ".operator.app..", root + ".activator.app..")
                .whereLayer("apps").mayNotBeAccessedByAnyLayer()
                .whereLayer("adapters").mayOnlyBeAccessedByLayers("adapters", "apps")
                .whereLayer("policies").mayOnlyBeAccessedByLayers("policies", "adapters", "apps")
                .because("policies are pure, adapters translate the world for them, apps wire both (docs/architecture.md)");
    }

    public static ArchRule dataPlaneIsNotTheControllerOrTheCli(String root) {
        return noClasses().that().resideInAPackage(root + ".dataplane..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".operator..", root + ".cli..", root + ".bench..",
                        root + ".local..", root + ".lbbench..", root + ".placementbench..", root + ".emulate..", root + ".load..",
                        root + ".soak..", root + ".clusterbench..")
                .because("every invocation crosses the data plane; it must not carry the controller or the CLI");
    }

    public static ArchRule simulatorHasNoFramework(String root) {
        return noClasses().that().resideInAnyPackage(root + ".bench..", root + ".yaml..")
                .should().dependOnClassesThat().resideInAnyPackage(PolicyPurity.FRAMEWORKS)
                .orShould().dependOnClassesThat().resideInAnyPackage(root + ".dataplane..")
                .because("the simulator runs policies in virtual time, with no event loop under it");
    }
}

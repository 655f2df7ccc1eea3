package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.InvalidFunctions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FunctionFilesTest {

    private static final String HEAD = "apiVersion: muserving.dev/v1alpha1\nkind: Function\n";
    private static final String IMAGE = "  image: r.example/x:1\n";

    @Test
    void aFunctionForKubectlRunsLocallyWithItsSpec() {
        FunctionFiles.Result result = FunctionFiles.parse("fn.yaml", HEAD + """
                metadata: {name: resize, namespace: demo}
                spec:
                  image: registry.example/resize:1
                  architectures: [arm64]
                  containerConcurrency: 2
                  resources: {cpu: 500m, memory: 1Gi}
                  scale: {min: 1, max: 8, initial: 2, scaleToZeroAfter: 20s}
                  slo: {p99: 300ms}
                  weight: 2
                  timeout: 30s
                  env: [{name: MODE, value: fast}]
                  local: {command: [mu-emulated-function, --cpu-ms=40, --service-ms=5]}
                """);
        assertThat(result.problems()).isEmpty();
        assertThat(result.notes()).isEmpty();
        LocalFunction fn = result.functions().get(0);
        assertThat(fn.key().toString()).isEqualTo("demo/resize");
        assertThat(fn.source()).isEqualTo("fn.yaml:1");
        assertThat(fn.spec().name()).isEqualTo("demo/resize");
        assertThat(fn.spec().architectures()).containsExactly(Arch.ARM64);
        assertThat(fn.spec().cpuMillis()).isEqualTo(500);
        assertThat(fn.spec().memoryMiB()).isEqualTo(1024);
        assertThat(fn.spec().containerConcurrency()).isEqualTo(2);
        assertThat(fn.spec().sloP99Ms()).isEqualTo(300);
        assertThat(fn.spec().weight()).isEqualTo(2);
        assertThat(fn.spec().minScale()).isEqualTo(1);
        assertThat(fn.spec().maxScale()).isEqualTo(8);
        assertThat(fn.spec().initialScale()).isEqualTo(2);
        assertThat(fn.spec().scaleToZeroAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(fn.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fn.env()).containsEntry("MODE", "fast");
        assertThat(fn.launch()).isEqualTo(new LocalFunction.Emulated(5, 40));
    }

    /** Found by an outside probe: kubectl refuses each of these, and mu local ran them (or only noted the kind). */
    @Test
    void whatTheApiServerRefusesInMetadataAndKindIsRefusedToo() {
        assertThat(FunctionFiles.parse("k.yaml", HEAD.replace("kind: Function", "kind: function") + "metadata: {name: a}\nspec:\n" + IMAGE)
                .problems()).singleElement().asString().contains("k.yaml:2").contains("kind: must be Function, got 'function'");
        assertThat(FunctionFiles.parse("m.yaml", HEAD + "metadata: {name: a, labelz: {x: y}}\nspec:\n" + IMAGE).problems())
                .singleElement().asString().contains("labelz");
        assertThat(FunctionFiles.parse("l.yaml", HEAD + "metadata: {name: a, labels: {\"a b\": x}}\nspec:\n" + IMAGE).problems())
                .singleElement().asString().contains("metadata.labels").contains("'a b' is not a key");
        assertThat(FunctionFiles.parse("v.yaml", HEAD + "metadata: {name: a, labels: {app: \"-x\"}}\nspec:\n" + IMAGE).problems())
                .singleElement().asString().contains("'-x' is not a label value");
        assertThat(FunctionFiles.parse("n.yaml", HEAD + "metadata: {name: a, annotations: {\"Bad_/x\": v}}\nspec:\n" + IMAGE).problems())
                .singleElement().asString().contains("metadata.annotations").contains("'Bad_/x' is not a key");
        assertThat(FunctionFiles.parse("saved.yaml", HEAD + "metadata:\n  name: a\n  uid: 5d6f\n  managedFields:\n  - manager: kubectl\n"
                + "    fieldsV1: {f:spec: {f:image: {}}}\nspec:\n" + IMAGE + "  local: {command: [x]}\n").problems())
                .as("a file saved from kubectl get, whose fieldsV1 is free-form").isEmpty();
        assertThat(FunctionFiles.parse("ok.yaml", HEAD + "metadata: {name: a, labels: {app.kubernetes.io/name: web, tier: \"\"},"
                + " annotations: {example.com/owner: Team_A}}\nspec:\n" + IMAGE + "  local: {command: [x]}\n").problems()).isEmpty();
    }

    /** kubectl reads YAML 1.1 (y is a boolean, 010 is 8, 0x1F90 is 8080); so does mu local now, where they differed. */
    @Test
    void unquotedScalarsAreReadAsKubectlReadsThem() {
        String meta = "metadata: {name: a}\nspec:\n" + IMAGE;
        assertThat(FunctionFiles.parse("y.yaml", HEAD + meta + "  env: [{name: A, value: y}]\n").problems())
                .singleElement().asString().contains("spec.env[0].value").contains("must be text");
        assertThat(FunctionFiles.parse("i.yaml", HEAD + meta + "  env: [{name: A, value: .inf}]\n").problems())
                .singleElement().asString().contains("must be text");
        assertThat(FunctionFiles.parse("o.yaml", HEAD + meta + "  scale: {min: 9, max: 010}\n").problems())
                .singleElement().asString().contains("spec.scale");
        assertThat(FunctionFiles.parse("x.yaml", HEAD + meta + "  port: 0x1F90\n  local: {command: [x]}\n").problems()).as("8080, as kubectl reads it").isEmpty();
        assertThat(FunctionFiles.parse("t.yaml", HEAD + meta + "  timeout: 30\n").problems())
                .singleElement().asString().contains("(a duration with its unit, such as 300ms or 30s)");
        assertThat(FunctionFiles.parse("c.yaml", HEAD + meta + "  resources: {cpu: 1e3}\n").problems())
                .singleElement().asString().contains("quote the number");
        assertThat(FunctionFiles.parse("p.yaml", HEAD + meta + "  port: 99999999999999999999\n").problems())
                .singleElement().asString().contains("far too large").doesNotContain("Numeric value");
    }

    @Test
    void anyOtherCommandRunsAsItIsAndOtherKindsAreSkipped() {
        FunctionFiles.Result result = FunctionFiles.parse("two.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: demo}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                ---
                """ + HEAD + """
                metadata: {name: hello}
                spec:
                  image: r.example/hello:1
                  resources: {cpu: "1", memory: 64Mi}
                  local: {command: [python3, handler.py]}
                """);
        assertThat(result.problems()).isEmpty();
        assertThat(result.notes()).containsExactly("two.yaml:5: skipped a ConfigMap; mu local runs Functions only");
        LocalFunction fn = result.functions().get(0);
        assertThat(fn.key().toString()).isEqualTo("default/hello");
        assertThat(fn.spec().cpuMillis()).isEqualTo(1000);
        assertThat(fn.spec().architectures()).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThat(fn.launch()).isEqualTo(new LocalFunction.Command(List.of("python3", "handler.py")));
        assertThat(fn.spec().minScale()).isZero();
        assertThat(fn.spec().initialScale()).isEqualTo(1);
    }

    /** Found by an outside probe: kubectl skips empty documents, and generated manifests often end in one. */
    @Test
    void emptyDocumentsAreSkippedAsKubectlSkipsThem() {
        String hello = HEAD + """
                metadata: {name: hello}
                spec:
                  image: r.example/hello:1
                  local: {command: [python3, handler.py]}
                """;
        FunctionFiles.Result result = FunctionFiles.parse("trailing.yaml", "---\n" + hello + "---\n---\n" + hello.replace("hello", "again") + "---\n");
        assertThat(result.problems()).isEmpty();
        assertThat(result.functions()).extracting(fn -> fn.key().name()).containsExactly("hello", "again");
    }

    @Test
    void whatIsLeftOutTakesTheCrdsDefaults() {
        FunctionFiles.Result result = FunctionFiles.parse("min.yaml", HEAD + "metadata: {name: small}\nspec:\n" + IMAGE
                + "  local: {command: [x]}\n");
        assertThat(result.problems()).isEmpty();
        LocalFunction fn = result.functions().get(0);
        assertThat(fn.spec().cpuMillis()).isEqualTo(100);
        assertThat(fn.spec().memoryMiB()).isEqualTo(128);
        assertThat(fn.spec().sloP99Ms()).isEqualTo(1000);
        assertThat(fn.spec().scaleToZeroAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(fn.timeout()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void eachBadFunctionIsReportedWithFileLineAndFieldAndTheGoodOnesStay() {
        String good = HEAD + "metadata: {name: good}\nspec:\n" + IMAGE + "  local: {command: [mu-emulated-function]}\n";
        record Case(String spec, String expected) {}
        List<Case> cases = List.of(
                new Case(IMAGE + "  resources: {cpu: lots, memory: 64Mi}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.resources.cpu: must be cores (2, 0.5) or millicores (500m), got 'lots'"),
                new Case("  local: {command: [x]}\n", "bad.yaml:11: spec: spec.image (a multi-arch image) or spec.images"),
                new Case(IMAGE, "bad.yaml:11: spec.local.command: missing: mu local runs a local program for default/bad"),
                new Case(IMAGE + "  scale: {min: 5, max: 2}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.scale.min: spec.scale.min must not be above spec.scale.max"),
                new Case(IMAGE + "  containerConcurency: 4\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.containerConcurency: unknown field (did you mean 'containerConcurrency'?)"),
                new Case(IMAGE + "  architectures: [sparc]\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.architectures: spec.architectures may hold amd64 and arm64 only"),
                new Case(IMAGE + "  slo: {p99: fast}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.slo.p99: must be a duration of at most six digits"),
                new Case(IMAGE + "  port: \"8080\"\n  local: {command: [x]}\n", "bad.yaml:13: spec.port: has the wrong type: must be a whole number"),
                new Case(IMAGE + "  resources: {cpu: 100}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.resources.cpu: has the wrong type: must be text (quote the number: Kubernetes quantities such as cpu: \"2\" are strings)"),
                new Case(IMAGE + "  containerConcurrency: 1.9\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.containerConcurrency: has the wrong type: must be a whole number"),
                new Case(IMAGE + "  scale: {min: 1, max: 1.5}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.scale.max: has the wrong type: must be a whole number"),
                new Case(IMAGE + "  env: {MODE: fast}\n  local: {command: [x]}\n", "bad.yaml:13: spec.env: has the wrong type: must be a list"),
                new Case(IMAGE + "  local: {command: [mu-emulated-function, --cpu=4]}\n",
                        "bad.yaml:13: spec.local.command: mu-emulated-function takes --service-ms=N and --cpu-ms=N"));
        for (Case c : cases) {
            FunctionFiles.Result result = FunctionFiles.parse("bad.yaml", good + "---\n" + HEAD + "metadata: {name: bad}\nspec:\n" + c.spec());
            assertThat(result.functions()).as(c.expected()).extracting(f -> f.key().name()).containsExactly("good");
            assertThat(result.problems()).as(c.expected()).singleElement().asString().startsWith(c.expected());
        }
    }

    static List<InvalidFunctions.Case> invalidFunctions() {
        return InvalidFunctions.cases();
    }

    /** The cases kube-apiserver refuses (FunctionValidationTest), refused here too, naming the same field. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFunctions")
    void whatTheCrdRefusesMuLocalRefusesNamingTheSameField(InvalidFunctions.Case invalid) {
        FunctionFiles.Result result = FunctionFiles.parse("fn.yaml", InvalidFunctions.yaml("demo", invalid.name(), invalid.spec()));
        assertThat(result.functions()).isEmpty();
        assertThat(result.problems()).isNotEmpty().anySatisfy(problem -> assertThat(problem).contains(invalid.names()));
    }

    @Test
    void brokenYamlAndBadNamesAreReportedToo() {
        assertThat(FunctionFiles.parse("broken.yaml", "kind: Function\nspec: [unclosed\n").problems())
                .singleElement().asString().startsWith("broken.yaml:3: not valid YAML");
        assertThat(FunctionFiles.parse("name.yaml", HEAD + "metadata: {name: Bad_Name}\nspec: {image: r/e:1}\n").problems())
                .containsExactly("name.yaml:3: metadata.name: 'Bad_Name' is not a DNS label (at most 63 lower-case letters, digits and '-', "
                        + "starting with a letter)");
        assertThat(FunctionFiles.parse("digit.yaml", HEAD + "metadata: {name: 9lives}\nspec: {image: r/e:1}\n").problems())
                .singleElement().asString().contains("'9lives' is not a DNS label");
        assertThat(FunctionFiles.parse("ns.yaml", HEAD + "metadata: {name: fn, namespace: Demo_NS}\nspec: {image: r/e:1}\n").problems())
                .singleElement().asString().startsWith("ns.yaml:3: metadata.namespace: 'Demo_NS' is not a namespace name");
        assertThat(FunctionFiles.parse("nospec.yaml", HEAD + "metadata: {name: bare}\n").problems())
                .singleElement().asString().startsWith("nospec.yaml:1: spec: missing");
        assertThat(FunctionFiles.parse("noname.yaml", HEAD + "spec: {image: r/e:1}\n").problems())
                .singleElement().asString().contains("metadata.name: missing; a Function is named by it");
    }

    @Test
    void anUnknownPolicyAnnotationIsReportedAtItsLineAndTheGoodFunctionsStay() {
        // the annotation's name holds dots; its path was once split on them, and mu local crashed
        String good = HEAD + "metadata: {name: good}\nspec:\n" + IMAGE + "  local: {command: [mu-emulated-function]}\n";
        FunctionFiles.Result result = FunctionFiles.parse("annotated.yaml", good + "---\n" + HEAD + """
                metadata:
                  name: annot
                  annotations: {autoscaling.muserving.dev/class: fastest}
                spec:
                  image: r.example/x:1
                  local: {command: [mu-emulated-function]}
                """);
        assertThat(result.functions()).extracting(f -> f.key().name()).containsExactly("good");
        assertThat(result.problems()).singleElement().asString()
                .startsWith("annotated.yaml:12: metadata.annotations[autoscaling.muserving.dev/class]: unknown policy 'fastest'");
    }
}

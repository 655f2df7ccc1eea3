package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionFilesTest {

    private static final String HEAD = "apiVersion: muserving.dev/v1alpha1\nkind: Function\n";

    @Test
    void aFunctionForKubectlRunsLocallyWithItsSpecAndANoteAboutItsImage() {
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
        assertThat(result.notes()).containsExactly("fn.yaml:5: demo/resize: spec.image is for a cluster; mu local runs spec.local.command");
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
        assertThat(fn.initialScale()).isEqualTo(2);
        assertThat(fn.scaleToZeroAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(fn.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fn.env()).containsEntry("MODE", "fast");
        assertThat(fn.launch()).isEqualTo(new LocalFunction.Emulated(5, 40));
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
        assertThat(fn.initialScale()).isEqualTo(1);
    }

    @Test
    void eachBadFunctionIsReportedWithFileLineAndFieldAndTheGoodOnesStay() {
        String good = HEAD + "metadata: {name: good}\nspec:\n  resources: {cpu: 100m, memory: 64Mi}\n  local: {command: [mu-emulated-function]}\n";
        record Case(String spec, String expected) {}
        List<Case> cases = List.of(
                new Case("  resources: {cpu: lots, memory: 64Mi}\n  local: {command: [x]}\n",
                        "bad.yaml:12: spec.resources.cpu: must be cores (2, 0.5) or millicores (500m), got 'lots'"),
                new Case("  resources: {cpu: 1, memory: 64Mi}\n", "bad.yaml:12: spec: spec.local.command is missing"),
                new Case("  resources: {cpu: 1, memory: 64Mi}\n  scale: {min: 5, max: 2}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.scale.min: must not be above spec.scale.max (2)"),
                new Case("  resources: {cpu: 1, memory: 64Mi}\n  containerConcurency: 4\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.containerConcurency: unknown field (did you mean 'containerConcurrency'?)"),
                new Case("  resources: {cpu: 1, memory: 64Mi}\n  architectures: [sparc]\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.architectures[0]: must be amd64 or arm64, got 'sparc'"),
                new Case("  resources: {cpu: 1, memory: 64Mi}\n  slo: {p99: fast}\n  local: {command: [x]}\n",
                        "bad.yaml:13: spec.slo.p99: must be a duration such as 500ms, 30s, 5m or 1h, got 'fast'"),
                new Case("  resources: {cpu: 1, memory: 64Mi}\n  local: {command: [mu-emulated-function, --cpu=4]}\n",
                        "bad.yaml:13: spec.local.command: mu-emulated-function takes --service-ms=N and --cpu-ms=N"));
        for (Case c : cases) {
            FunctionFiles.Result result = FunctionFiles.parse("bad.yaml", good + "---\n" + HEAD + "metadata: {name: bad}\nspec:\n" + c.spec());
            assertThat(result.functions()).as(c.expected()).extracting(f -> f.key().name()).containsExactly("good");
            assertThat(result.problems()).as(c.expected()).singleElement().asString().startsWith(c.expected());
        }
    }

    @Test
    void brokenYamlAndBadNamesAreReportedToo() {
        assertThat(FunctionFiles.parse("broken.yaml", "kind: Function\nspec: [unclosed\n").problems())
                .singleElement().asString().startsWith("broken.yaml:3: not valid YAML");
        assertThat(FunctionFiles.parse("name.yaml", HEAD + "metadata: {name: Bad_Name}\nspec: {}\n").problems())
                .containsExactly("name.yaml:3: metadata.name: must be a DNS label (lower-case letters, digits and '-', at most 63, "
                        + "starting with a letter), got 'Bad_Name'");
        assertThat(FunctionFiles.parse("digit.yaml", HEAD + "metadata: {name: 9lives}\nspec: {}\n").problems())
                .singleElement().asString().contains("starting with a letter), got '9lives'");
    }

    @Test
    void resourcesDefaultAsTheCrdDefaultsThem() {
        FunctionFiles.Result result = FunctionFiles.parse("min.yaml", HEAD + "metadata: {name: small}\nspec:\n  local: {command: [x]}\n");
        assertThat(result.problems()).isEmpty();
        assertThat(result.functions().get(0).spec().cpuMillis()).isEqualTo(100);
        assertThat(result.functions().get(0).spec().memoryMiB()).isEqualTo(128);
    }
}

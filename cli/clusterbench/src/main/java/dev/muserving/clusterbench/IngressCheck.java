package dev.muserving.clusterbench;

import dev.muserving.api.BadInputException;
import dev.muserving.dataplane.activator.Activator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Whether an ingress leads to Mu's activator-lb before a run creates anything. Any web server
 * answers a request; only the activator-lb answers one for a function that does not exist with its
 * own 404 ("mu: no function …"). Taking any answer, a run against the wrong port went on to time
 * out waiting for pods that were ready all along (found by an outside probe).
 */
final class IngressCheck {

    /** A function no one makes: the namespace is no bench namespace and the name is reserved to this check. */
    static final String PROBE_PATH = "/fn/mu-bench-ingress-check/no-such-function/";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private IngressCheck() {}

    /** @throws BadInputException saying what answered instead, and how to name the right ingress */
    static void requireActivator(URI ingress) {
        URI probe = ingress.resolve(PROBE_PATH);
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(HttpRequest.newBuilder(probe).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BadInputException("the ingress " + ingress + " does not answer (" + e + "); pass --ingress or set MU_INGRESS", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (answer.statusCode() != 404 || !answer.body().startsWith(Activator.NO_FUNCTION)) {
            String body = answer.body().strip();
            throw new BadInputException("the ingress " + ingress + " is not Mu's activator-lb: GET " + PROBE_PATH + " answered "
                    + answer.statusCode() + (body.isEmpty() ? "" : " '" + (body.length() > 80 ? body.substring(0, 80) + "…" : body) + "'")
                    + ", where the activator-lb says 404 '" + Activator.NO_FUNCTION + " …'; pass --ingress or set MU_INGRESS");
        }
    }
}

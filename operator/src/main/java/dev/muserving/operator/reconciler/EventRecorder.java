package dev.muserving.operator.reconciler;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.operator.model.FunctionEvent;
import dev.muserving.operator.model.FunctionEvents;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes {@link FunctionEvent}s as core/v1 Events on the Function. An Event that cannot be written
 * is logged and dropped: it must never fail the reconciliation that caused it.
 */
public class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** A function's Scaled and Contention events, which follow the load, are written at most this often each ({@link EventPacing}). */
    static final Duration FOLLOWING_LOAD_INTERVAL = Duration.ofSeconds(10);
    private static final Set<String> FOLLOWING_LOAD = Set.of(FunctionEvents.SCALED, FunctionEvents.CONTENTION);
    /** How often held events are looked at: one is written at most this long after its interval. */
    private static final Duration HELD_LOOK = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final Clock clock;
    private final String identity;
    private final EventPacing pacing = new EventPacing(FOLLOWING_LOAD_INTERVAL);
    private final ScheduledExecutorService heldWriter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mu-held-events");
        t.setDaemon(true);
        return t;
    });

    public EventRecorder(KubernetesClient client, Clock clock, String identity) {
        this.client = client;
        this.clock = clock;
        this.identity = identity;
        heldWriter.scheduleWithFixedDelay(() -> pacing.due(clock.instant()).forEach(due -> write(due.function(), due.event())),
                HELD_LOOK.toMillis(), HELD_LOOK.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void record(Function function, List<FunctionEvent> events) {
        for (FunctionEvent event : events) {
            if (!FOLLOWING_LOAD.contains(event.reason()) || pacing.offer(function, event, clock.instant())) {
                write(function, event);
            }
        }
    }

    private void write(Function function, FunctionEvent event) {
        try {
            client.v1().events().inNamespace(function.getMetadata().getNamespace()).resource(toEvent(function, event)).create();
        } catch (RuntimeException e) { // never fatal, and the held events' writer must not die of one (a client closed at shutdown)
            if (NamespaceTerminating.explains(e)) { // nobody would read them
                LOG.debugf("no event %s on function %s/%s: its namespace is being deleted", event.reason(),
                        function.getMetadata().getNamespace(), function.getMetadata().getName());
            } else {
                LOG.warnf("could not record event %s on function %s/%s: %s", event.reason(),
                        function.getMetadata().getNamespace(), function.getMetadata().getName(), e.getMessage());
            }
        }
    }

    private Event toEvent(Function function, FunctionEvent event) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return new EventBuilder()
                .withNewMetadata()
                    .withGenerateName(function.getMetadata().getName() + ".")
                    .withNamespace(function.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(function.getApiVersion()).withKind(function.getKind())
                        .withNamespace(function.getMetadata().getNamespace()).withName(function.getMetadata().getName())
                        .withUid(function.getMetadata().getUid()).withResourceVersion(function.getMetadata().getResourceVersion())
                        .build())
                .withType(event.type().name())
                .withReason(event.reason())
                .withMessage(event.message())
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(FunctionNames.OPERATOR).withHost(identity).endSource()
                .withReportingComponent(FunctionNames.OPERATOR)
                .withReportingInstance(identity)
                .build();
    }
}

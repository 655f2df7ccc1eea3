package dev.muserving.testenv.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One container of a pod on a process node: its process (a child of this agent, or one adopted
 * after an agent restart), its restarts with back-off, its last termination, and its readiness as
 * the pod's readiness probe last found it. Touched only on the agent's sync thread.
 */
final class AgentContainer {

    final Container spec;
    private final Duration firstBackoff;
    /** The pod's restartPolicy: Always, OnFailure or Never. */
    private final String restartPolicy;
    /** Ended for good, as its pod's restartPolicy says (a Job's or a test's pod): it never starts again. */
    boolean finished;
    ProcessHandle process;
    /** The child process, when this agent started it (its exit code is known); null when adopted. */
    Process child;
    Instant startedAt;
    int restarts;
    Terminated last;
    /** Why it does not run and will not by itself (no image mapping, a bad setting); null otherwise. */
    String waitingReason;
    String waitingMessage;
    Instant restartAt;
    Duration backoff;
    boolean ready;
    int probeFailures;
    int probeSuccesses;
    Instant nextProbeAt;
    boolean probing;

    record Terminated(int exitCode, String reason, Instant startedAt, Instant finishedAt) {
        /** As kubelet reports it: the current state of a finished container, the last state of a restarted one. */
        ContainerStateTerminated state() {
            return new ContainerStateTerminatedBuilder().withExitCode(exitCode).withReason(reason)
                    .withStartedAt(time(startedAt)).withFinishedAt(time(finishedAt)).build();
        }
    }

    AgentContainer(Container spec, String restartPolicy, Duration firstBackoff) {
        this.spec = spec;
        this.restartPolicy = restartPolicy == null ? "Always" : restartPolicy;
        this.firstBackoff = firstBackoff;
        this.backoff = firstBackoff;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Whether the sync loop may start it now: not running, its last exit recorded (a process that
     * died a moment ago is still {@code process} until its exit is handled, so that the restart is
     * counted and its termination reported), nothing that keeps it waiting, its back-off over.
     */
    boolean mayStart(Instant now) {
        return process == null && !finished && waitingReason == null && (restartAt == null || !now.isBefore(restartAt));
    }

    /**
     * The process ended: kubelet's view of it, and when it may start again (back-off doubling to a
     * cap), unless the restartPolicy says it is done.
     */
    void exited(int exitCode, Instant now, Duration maxBackoff) {
        last = new Terminated(exitCode, exitCode == 0 ? "Completed" : "Error", startedAt, now);
        process = null;
        child = null;
        ready = false;
        probeSuccesses = 0;
        probeFailures = 0;
        if ("Never".equals(restartPolicy) || ("OnFailure".equals(restartPolicy) && exitCode == 0)) {
            finished = true;
            restartAt = null;
            return;
        }
        // a container that ran ten minutes starts its back-off afresh, as kubelet's does
        if (startedAt != null && Duration.between(startedAt, now).compareTo(Duration.ofMinutes(10)) > 0) {
            backoff = firstBackoff;
        }
        restartAt = now.plus(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }

    Optional<Probe> readinessProbe() {
        return Optional.ofNullable(spec.getReadinessProbe());
    }

    /** A probe's port by number or by the container's port name. */
    Optional<HTTPGetAction> preStopHttpGet() {
        return Optional.ofNullable(spec.getLifecycle()).map(Lifecycle::getPreStop).map(LifecycleHandler::getHttpGet);
    }

    Optional<Integer> port(IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return Optional.of(port.getIntVal());
        }
        return spec.getPorts() == null ? Optional.empty() : spec.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort).findFirst();
    }

    ContainerStatus status() {
        ContainerState state;
        if (running()) {
            state = new ContainerStateBuilder().withNewRunning().withStartedAt(time(startedAt)).endRunning().build();
        } else if (finished) {
            state = new ContainerStateBuilder().withTerminated(last.state()).build();
        } else if (waitingReason != null) {
            state = new ContainerStateBuilder().withNewWaiting().withReason(waitingReason).withMessage(waitingMessage).endWaiting().build();
        } else if (last != null) {
            state = new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off restarting the failed container (exit code " + last.exitCode() + ")").endWaiting().build();
        } else {
            state = new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating").endWaiting().build();
        }
        ContainerStatusBuilder status = new ContainerStatusBuilder()
                .withName(spec.getName())
                .withImage(spec.getImage())
                .withImageID("")
                .withContainerID(process == null ? null : "mu-node-agent://" + process.pid())
                .withReady(ready)
                .withStarted(running())
                .withRestartCount(restarts)
                .withState(state);
        if (last != null && !finished) {
            status.withNewLastState().withTerminated(last.state()).endLastState();
        }
        return status.build();
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}

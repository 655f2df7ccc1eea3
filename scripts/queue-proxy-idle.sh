#!/usr/bin/env bash
# What an idle queue-proxy costs: started as the images start it, sent one request (so that every
# timer it keeps is armed), then left alone; prints each thread's CPU time (kernel ticks, 10 ms) and
# voluntary wake-ups over the window, from /proc. Then, with a function behind it, its resident
# memory after 300 requests at concurrency 20.
#
# Usage: scripts/queue-proxy-idle.sh [JAR] [SECONDS]   (JAR: a mu-dataplane.jar, default this build's;
#        JVM_FLAGS overrides the images' flags)
set -euo pipefail
export LC_ALL=C
JAR=$(realpath "${1:-activator-lb/dataplane/target/mu-dataplane.jar}"); SECONDS_IDLE=${2:-30}
[ -f "$JAR" ] || { echo "no $JAR (./mvnw -pl activator-lb/dataplane -am package -DskipTests)" >&2; exit 2; }
read -r -a FLAGS <<< "${JVM_FLAGS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m -XX:-UsePerfData}"
WORK=$(mktemp -d); PIDS=()
trap 'kill -9 "${PIDS[@]}" 2> /dev/null || true; rm -rf "$WORK"' EXIT

listening() { for _ in $(seq 100); do grep -o 'listening on [0-9.]*:[0-9]*' "$1" 2> /dev/null | grep -o '[0-9]*$' && return; sleep 0.1; done
  echo "no port in $1" >&2; exit 1; }
queue_proxy() { # $1: the function's port
  MU_PORT=0 MU_ADMIN_PORT=0 MU_USER_PORT="$1" MU_BIND_ADDRESS=127.0.0.1 java "${FLAGS[@]}" -cp "$JAR" \
    dev.muserving.dataplane.queueproxy.QueueProxyMain > "$WORK/qp.out" 2>&1 &
  PIDS+=($!); QP=$!; QP_PORT=$(listening "$WORK/qp.out")
}
threads() { for t in /proc/"$QP"/task/*; do
  echo "$(basename "$t") $(awk '{print $14+$15}' "$t/stat") $(awk '/^voluntary/ {print $2}' "$t/status") $(tr ' ' _ < "$t/comm")"; done | sort; }

# idle: nothing listens on the function's port, so the one request is a 502; its limits were set all the same
queue_proxy 1
curl -s -o /dev/null "http://127.0.0.1:$QP_PORT/" || true
sleep 5
threads > "$WORK/a"; sleep "$SECONDS_IDLE"; threads > "$WORK/b"
echo "idle ${SECONDS_IDLE} s, per thread (CPU in 10 ms ticks):"
join "$WORK/a" "$WORK/b" | awk '{cpu=$5-$2; woke=$6-$3; if (cpu > 0 || woke > 10) printf "  %-16s cpu %3d  wake-ups %5d\n", $4, cpu, woke;
  c+=cpu; w+=woke} END {printf "  %-16s cpu %3d  wake-ups %5d\n", "total", c, w}'
kill -9 "$QP"; wait "$QP" 2> /dev/null || true

# memory under a little load, with the emulated function behind it
PORT=0 MU_SERVICE_MS=2 java "${FLAGS[@]}" -cp "$JAR" dev.muserving.dataplane.function.EmulatedFunctionMain > "$WORK/fn.out" 2>&1 &
PIDS+=($!)
queue_proxy "$(listening "$WORK/fn.out")"
for _ in $(seq 15); do
  CURLS=(); for _ in $(seq 20); do curl -s -o /dev/null -m 5 "http://127.0.0.1:$QP_PORT/" & CURLS+=($!); done; wait "${CURLS[@]}"
done
echo "resident after 300 requests at concurrency 20: $(awk '/^VmRSS/ {print $2, $3}' /proc/"$QP"/status)"

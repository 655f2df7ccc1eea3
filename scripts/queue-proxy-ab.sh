#!/usr/bin/env bash
# A/B of two builds of the queue-proxy: both in front of one emulated function (1 ms per request),
# loaded in turn by wrk (closed loop, 64 connections), so that the machine's drift hits both alike.
# Prints each round's throughput, p50/p99 and the queue-proxy process's CPU time per request, then
# each one's resident memory; with
# SYSCALLS=1, then each side's system calls per request under strace (slowed, but counts are counts).
#
# Usage: [SYSCALLS=1] [A_JVM=flags] [B_JVM=flags] scripts/queue-proxy-ab.sh A.jar B.jar [rounds]
#   (e.g. a mu.jar built from main and one from a branch; or one jar twice, each side with its own JVM
#   flags, the images' flags against a change to them)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 A.jar B.jar [rounds]" >&2; exit 2; }
A=$(realpath "$1"); B=$(realpath "$2"); ROUNDS=${3:-8}
command -v wrk > /dev/null || { echo "needs wrk (sudo apt-get install wrk)" >&2; exit 2; }
WORK=$(mktemp -d); PIDS=()
trap 'kill -9 "${PIDS[@]}" 2> /dev/null || true; rm -rf "$WORK"' EXIT
JAVA=(java -Xms64m -Xmx512m -XX:+UseParallelGC)
read -r -a A_FLAGS <<< "${A_JVM:-${JAVA[*]:1}}"; read -r -a B_FLAGS <<< "${B_JVM:-${JAVA[*]:1}}"

first_line() { for _ in $(seq 100); do [ -s "$1" ] && { head -1 "$1"; return; }; sleep 0.1; done; echo "no output in $1" >&2; exit 1; }
PORT=0 MU_FUNCTION_NAME=bench MU_SERVICE_MS=1 "${JAVA[@]}" -cp "$B" dev.muserving.dataplane.function.EmulatedFunctionMain > "$WORK/fn.out" 2>&1 &
PIDS+=($!)
FN_PORT=$(first_line "$WORK/fn.out" | sed 's/.*:\([0-9]*\)$/\1/')
declare -A PORT_OF PID_OF
for side in A B; do
  jar=$([ $side = A ] && echo "$A" || echo "$B")
  if [ $side = A ]; then flags=("${A_FLAGS[@]}"); else flags=("${B_FLAGS[@]}"); fi
  MU_PORT=0 MU_ADMIN_PORT=0 MU_BIND_ADDRESS=127.0.0.1 MU_USER_PORT=$FN_PORT MU_POD_NAME=$side \
    java "${flags[@]}" -cp "$jar" dev.muserving.dataplane.queueproxy.QueueProxyMain > "$WORK/$side.out" 2>&1 &
  PIDS+=($!); PID_OF[$side]=$!
  PORT_OF[$side]=$(first_line "$WORK/$side.out" | sed 's/.*listening on [^:]*:\([0-9]*\).*/\1/')
done
echo "A $A (port ${PORT_OF[A]}), B $B (port ${PORT_OF[B]}), function on $FN_PORT" >&2
for _ in 1 2; do for side in A B; do wrk -t2 -c64 -d15s "http://127.0.0.1:${PORT_OF[$side]}/" > /dev/null; done; done # JIT warm-up

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    before=$(cpu_ticks "${PID_OF[$side]}")
    out=$(wrk -t2 -c64 -d10s --latency "http://127.0.0.1:${PORT_OF[$side]}/")
    after=$(cpu_ticks "${PID_OF[$side]}")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "round $round $side rps $(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
      "p50 $(echo "$out" | awk '$1 == "50%" {print $2}') p99 $(echo "$out" | awk '$1 == "99%" {print $2}')" \
      "cpu-us/req $(awk -v t=$((after - before)) -v n="$requests" -v hz="$ticks_per_second" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')" \
      "$(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')"
  done
done
for side in A B; do
  echo "memory $side after the rounds: $(grep -E '^(VmRSS|RssAnon|RssFile)' "/proc/${PID_OF[$side]}/status" | tr -s ' \t\n' ' ')"
done

if [ "${SYSCALLS:-0}" = 1 ]; then
  command -v strace > /dev/null || { echo "SYSCALLS=1 needs strace" >&2; exit 2; }
  for side in A B; do
    strace -f -c -o "$WORK/$side.strace" -p "${PID_OF[$side]}" 2> /dev/null & tracer=$!
    sleep 1
    requests=$(wrk -t2 -c16 -d8s "http://127.0.0.1:${PORT_OF[$side]}/" | awk '/requests in/ {print $1}')
    kill -INT $tracer; wait $tracer || true
    echo "syscalls $side per request ($requests requests):" \
      "$(awk -v n="$requests" 'NR > 2 && $NF != "total" && $4 + 0 >= n / 100 {printf "%s %.2f, ", $NF, $4 / n}' "$WORK/$side.strace")"
  done
fi

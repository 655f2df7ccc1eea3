#!/usr/bin/env bash
# How long the operator takes to bring N Functions to Ready on the KWOK cluster, and its heap.
# Usage: scripts/operator-scale-bench.sh [--functions 200] [--out bench-out/operator]
# Starts the local control plane (deploy/testenv) with kube-scheduler standing in for placement,
# unless KUBECONFIG names a running cluster; builds the operator if needed; runs it as a process;
# applies N Functions (2 replicas each, one per architecture) at once; waits until all are Ready;
# then forces a full GC and reads the heap. Seconds count from the start of `kubectl apply`. Writes <out>/operator-scale.json. docs/operator.md
# has the latest figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
functions=200
out="$root/bench-out/operator"
while [ $# -gt 0 ]; do
  case "$1" in
    --functions) functions="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "operator-scale-bench: unknown option $1 (try --functions N, --out DIR)" >&2; exit 2;;
  esac
done
mkdir -p "$out"
say() { echo "operator-scale-bench: $*" >&2; }

started_cluster=""
operator_pid=""
cleanup() {
  [ -n "$operator_pid" ] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null || true
  [ -n "$started_cluster" ] && "$root/deploy/testenv/testenv.sh" down >/dev/null 2>&1 || true
  rm -f "${manifest:-}"
}
trap cleanup EXIT

if [ -z "${KUBECONFIG:-}" ]; then
  say "starting the local control plane (8 KWOK nodes, 32 CPU each)"
  eval "$("$root/deploy/testenv/testenv.sh" up --with-scheduler --node-cpu 32 --node-memory 64Gi | grep '^export KUBECONFIG=')"
  started_cluster=yes
fi
kubectl="$(command -v kubectl || true)"
[ -n "$kubectl" ] || kubectl="$(ls "$HOME"/.cache/mu-testenv/*/bin/kubectl | head -1)"

jar="$root/operator/target/quarkus-app/quarkus-run.jar"
if [ ! -f "$jar" ]; then
  say "building the operator"
  (cd "$root" && ./mvnw -B -q -pl operator -am -DskipTests package)
fi

"$kubectl" apply -f "$root/deploy/crds/functions.muserving.dev-v1.yml" >/dev/null
"$kubectl" wait --for=condition=Established --timeout=60s crd/functions.muserving.dev >/dev/null
ns="mu-scale-$(date +%s)"
"$kubectl" create namespace "$ns" >/dev/null

log="$out/operator.log"
java -Dmu.operator.scheduler-name=default-scheduler -Dmu.operator.identity=scale-bench -Dquarkus.http.port=0 \
  -jar "$jar" >"$log" 2>&1 &
operator_pid=$!
until grep -q "Started event processing" "$log"; do
  kill -0 "$operator_pid" 2>/dev/null || { say "the operator exited; see $log"; exit 1; }
  sleep 0.5
done

manifest="$(mktemp --suffix=.yaml)"
: >"$manifest"
for i in $(seq 1 "$functions"); do
  cat >>"$manifest" <<YAML
---
apiVersion: muserving.dev/v1alpha1
kind: Function
metadata: {name: fn-$i, namespace: $ns}
spec:
  images: {amd64: registry.example/fn:1-amd64, arm64: registry.example/fn:1-arm64}
  resources: {cpu: 50m, memory: 64Mi}
  scale: {initial: 2}
YAML
done

say "applying $functions Functions"
start=$(date +%s.%N)
"$kubectl" apply -f "$manifest" >/dev/null
applied=$(date +%s.%N)
say "$(printf 'kubectl apply took %.1f s' "$(echo "$applied - $start" | bc)")"
ready=0
children_seconds=""
while [ "$ready" -lt "$functions" ]; do
  sleep 1
  ready=$("$kubectl" -n "$ns" get fn -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
  now=$(date +%s.%N)
  if [ -z "$children_seconds" ]; then
    deployments=$("$kubectl" -n "$ns" get deployments --no-headers 2>/dev/null | wc -l)
    # the operator's own share: every Deployment written (pods are the deployment controller's and the scheduler's)
    [ "$deployments" -ge $((2 * functions)) ] && children_seconds=$(echo "$now - $start" | bc)
  fi
  # what the deployment controller reports, to tell its lag from the operator's
  available=$("$kubectl" -n "$ns" get deployments -o jsonpath='{range .items[*]}{.spec.replicas}={.status.availableReplicas}{"\n"}{end}' \
    | awk -F= '$1 == $2 && $1 != ""' | wc -l)
  say "$(printf '%5.1f s: %d of %d Functions Ready, %d Deployments available, %s' "$(echo "$now - $start" | bc)" "$ready" "$functions" "$available" \
    "${children_seconds:+all Deployments written at ${children_seconds%%.*} s}")"
  if [ "$(echo "$now - $start > 900" | bc)" = 1 ]; then say "not all Ready after 15 minutes"; exit 1; fi
done
end=$(date +%s.%N)
seconds=$(echo "$end - $start" | bc)

jcmd "$operator_pid" GC.run >/dev/null
heap_kib=$(jcmd "$operator_pid" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K","",v); print v; exit}}')
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$operator_pid/status")
pods=$("$kubectl" -n "$ns" get pods --no-headers | wc -l)
cat >"$out/operator-scale.json" <<JSON
{
  "functions": $functions,
  "pods": $pods,
  "secondsToApply": $(printf '%.1f' "$(echo "$applied - $start" | bc)"),
  "secondsToAllDeploymentsWritten": $(printf '%.1f' "$children_seconds"),
  "secondsToAllReady": $(printf '%.1f' "$seconds"),
  "heapUsedAfterFullGcMiB": $(echo "scale=1; $heap_kib / 1024" | bc),
  "residentSetMiB": $(echo "scale=1; $rss_kib / 1024" | bc),
  "cpus": $(nproc),
  "java": "$(java -version 2>&1 | head -1 | sed 's/"//g')"
}
JSON
cat "$out/operator-scale.json"
"$kubectl" delete namespace "$ns" --wait=false >/dev/null

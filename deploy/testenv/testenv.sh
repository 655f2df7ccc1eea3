#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, without Docker: etcd, kube-apiserver,
# kube-controller-manager, optionally kube-scheduler, KWOK for fake amd64/arm64 nodes, and the node
# agent for process nodes whose pods really run. Test and development infrastructure (docs/development.md).
#
#   testenv.sh build                            build the binaries from their Go modules (cached by version):
#                                               the control plane, kube-proxy, CoreDNS, helm and crane
#   testenv.sh up [--nodes amd64=4,arm64=4] [--process-nodes amd64=1,arm64=1] [--with-scheduler]
#                 [--node-cpu 4] [--node-memory 8Gi] [--with-mu [--activators N]]
#                                               start everything, create the nodes, wait until ready
#                                               (--nodes none: no KWOK nodes; process nodes need root;
#                                               --with-mu: also Mu's CRD, controller and N activator-lbs
#                                               from the built jars, and prints MU_INGRESS)
#   testenv.sh restart-agent [--kill]           stop the node agent (SIGTERM, or SIGKILL) and start it again
#   testenv.sh down                             stop everything it started, pods' processes included
#   testenv.sh env                              print the KUBECONFIG export of a running control plane
#   testenv.sh status                           say what runs
#   testenv.sh helm                             print the path of the helm binary build made
#   testenv.sh crane                            print the path of crane (go-containerregistry), which build makes
#   testenv.sh vegeta                           print the path of vegeta (fixed-rate HTTP load for mu lb-bench), which build makes
set -euo pipefail

K8S_VERSION="${MU_K8S_VERSION:-v1.34.4}"
ETCD_VERSION="${MU_ETCD_VERSION:-v3.5.35}"
KWOK_VERSION="${MU_KWOK_VERSION:-v0.7.0}"
HELM_VERSION="${MU_HELM_VERSION:-v3.22.0}"
COREDNS_VERSION="${MU_COREDNS_VERSION:-v1.14.7}"
CRANE_VERSION="${MU_CRANE_VERSION:-v0.22.1}"
VEGETA_VERSION="${MU_VEGETA_VERSION:-v12.13.0}"
CACHE_ROOT="${MU_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mu-testenv}"
BIN="$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION/bin"
HELM="$CACHE_ROOT/helm-$HELM_VERSION/bin/helm"
COREDNS="$CACHE_ROOT/coredns-$COREDNS_VERSION/bin/coredns"
CRANE="$CACHE_ROOT/crane-$CRANE_VERSION/bin/crane"
VEGETA="$CACHE_ROOT/vegeta-$VEGETA_VERSION/bin/vegeta"
RUN="${MU_TESTENV_RUN:-$CACHE_ROOT/run}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AGENT_JAR="$ROOT/deploy/testenv/node-agent/target/mu-node-agent.jar"
CONTROLLER_JAR="$ROOT/operator/target/quarkus-app/quarkus-run.jar"
ACTIVATOR_JAR="$ROOT/activator-lb/app/target/quarkus-app/quarkus-run.jar"
# Functions answer at http://<fn>.<ns>.$MU_DOMAIN:<activator port>; curl resolves *.localhost to loopback itself.
MU_DOMAIN=mu.localhost
BRIDGE=mu-testenv0
POD_SUBNET=10.244.0
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubectl kwok)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

say() { echo "testenv: $*" >&2; }
die() { echo "testenv: $*" >&2; exit 1; }

built() {
  local b
  for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

# A tool with a cache of its own (another version of it does not rebuild the control plane):
# its binary path, version, Go package, what it is for, extra ldflags.
build_tool() {
  local binary="$1" version="$2" package="$3" what="$4" ldflags="${5:-}" work
  if [ -x "$binary" ]; then
    say "$(basename "$binary") $version is cached: $binary"
    return
  fi
  command -v go >/dev/null || die "go is needed to build $(basename "$binary")"
  say "building $(basename "$binary") $version, $what (a cold build takes 2-8 minutes)"
  work="$(mktemp -d)"
  GOBIN="$work" go install -trimpath -ldflags "-s -w $ldflags" "$package@$version" \
    || { rm -rf "$work"; die "cannot build $package@$version from the Go module proxy"; }
  mkdir -p "$(dirname "$binary")"
  mv "$work/$(basename "$binary")" "$binary"
  rm -rf "$work"
  say "done: $binary"
}

build() {
  build_tool "$HELM" "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "for the chart's tests" "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  build_tool "$COREDNS" "$COREDNS_VERSION" github.com/coredns/coredns "Service names for process nodes' pods"
  build_tool "$CRANE" "$CRANE_VERSION" github.com/google/go-containerregistry/cmd/crane "a local registry for the image tests"
  build_tool "$VEGETA" "$VEGETA_VERSION" github.com/tsenart/vegeta/v12 "fixed-rate load for mu lb-bench"
  if built; then
    say "binaries for Kubernetes $K8S_VERSION, etcd $ETCD_VERSION, KWOK $KWOK_VERSION are cached in $BIN"
    return
  fi
  command -v go >/dev/null || die "go is needed to build the control plane (Go 1.24 or newer)"
  mkdir -p "$BIN"
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local patch="${K8S_VERSION##*.}"
  local staging="v0.$minor.$patch"

  say "building kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, kubectl $K8S_VERSION (a cold build takes 10-25 minutes)"
  mkdir "$work/k8s" && cd "$work/k8s"
  go mod init mu-testenv/k8s >/dev/null 2>&1
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [ -f "$gomod" ] || die "cannot download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local paths;
  # outside its tree they must be replaced with the published v0.<minor>.<patch> instead.
  local m
  for m in $(sed -n 's/^[[:space:]]*\(k8s\.io\/[a-z0-9-]*\) v0\.0\.0$/\1/p' "$gomod"); do
    go mod edit -replace "$m=$m@$staging"
  done
  go mod edit -require "k8s.io/kubernetes@$K8S_VERSION"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  ldflags="$ldflags -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  local cmd
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubectl; do
    [ -x "$BIN/$cmd" ] && continue # a cache from before kube-proxy was added keeps the others
    go get "k8s.io/kubernetes/cmd/$cmd@$K8S_VERSION" >/dev/null 2>&1 || true
    say "  go build $cmd"
    go build -trimpath -tags selinux,notest -ldflags "$ldflags" -o "$BIN/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    mv "$BIN/$cmd.tmp" "$BIN/$cmd"
  done

  if [ ! -x "$BIN/etcd" ]; then
    say "building etcd $ETCD_VERSION"
    mkdir "$work/etcd" && cd "$work/etcd"
    go mod init mu-testenv/etcd >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1
    go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3
    mv "$BIN/etcd.tmp" "$BIN/etcd"
  fi

  if [ ! -x "$BIN/kwok" ]; then
    say "building kwok $KWOK_VERSION"
    GOBIN="$work/gobin" go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
    mv "$work/gobin/kwok" "$BIN/kwok"
  fi
  say "done: $BIN"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() { # name, then the command; output to $RUN/<name>.log, pid to $RUN/pids
  local name="$1"; shift
  "$@" >"$RUN/$name.log" 2>&1 &
  echo "$! $name" >>"$RUN/pids"
}

wait_for() { # description, seconds, then a command that succeeds when ready
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what not ready after ${seconds}s; logs in $RUN"
    sleep 0.5
  done
}

certs() {
  local dir="$RUN/pki" pods_ip="$1"
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=mu-testenv-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  # One identity serves the API, authenticates the admin (O=system:masters) and signs service-account tokens.
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=admin" \
    -keyout "$dir/admin.key" -out "$dir/admin.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,IP:%s,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$pods_ip" >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/admin.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
    -extfile "$dir/ext.cnf" -out "$dir/admin.crt" 2>/dev/null
}

kubeconfig() {
  cat >"$RUN/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: mu-testenv
  cluster: {server: "https://127.0.0.1:$1", certificate-authority: "$RUN/pki/ca.crt"}
users:
- name: admin
  user: {client-certificate: "$RUN/pki/admin.crt", client-key: "$RUN/pki/admin.key"}
contexts:
- name: mu-testenv
  context: {cluster: mu-testenv, user: admin}
current-context: mu-testenv
KC
}

nodes_yaml() { # spec like amd64=4,arm64=4 (or none), cpu, memory
  local spec="$1" cpu="$2" memory="$3" group arch count i
  [ "$spec" = none ] && return
  IFS=',' read -ra groups <<<"$spec"
  for group in "${groups[@]}"; do
    arch="${group%%=*}"; count="${group#*=}"
    case "$arch" in amd64|arm64) ;; *) die "--nodes: architecture must be amd64 or arm64, got '$arch'";; esac
    [[ "$count" =~ ^[0-9]+$ ]] || die "--nodes: count must be a number, got '$count' for $arch"
    for ((i = 0; i < count; i++)); do
      cat <<NODE
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-$arch-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: kwok, kubernetes.io/arch: $arch, kubernetes.io/os: linux, kubernetes.io/hostname: kwok-$arch-$i}
status:
  allocatable: {cpu: "$cpu", memory: "$memory", pods: "110"}
  capacity: {cpu: "$cpu", memory: "$memory", pods: "110"}
  nodeInfo: {architecture: $arch, operatingSystem: linux, kubeletVersion: fake}
NODE
    done
  done
}

running() {
  [ -f "$RUN/pids" ] || return 1
  local pid name
  while read -r pid name; do kill -0 "$pid" 2>/dev/null || return 1; done <"$RUN/pids"
}

up() {
  local nodes="amd64=4,arm64=4" process="" scheduler=false cpu=4 memory=8Gi mu=false activators=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes="$2"; shift 2;;
      --nodes=*) nodes="${1#*=}"; shift;;
      --process-nodes) process="$2"; shift 2;;
      --process-nodes=*) process="${1#*=}"; shift;;
      --with-scheduler) scheduler=true; shift;;
      --node-cpu) cpu="$2"; shift 2;;
      --node-memory) memory="$2"; shift 2;;
      --with-mu) mu=true; shift;;
      --activators) activators="$2"; shift 2;;
      *) die "up: unknown option '$1' (options: --nodes amd64=N,arm64=M|none, --process-nodes amd64=N,arm64=M, --with-scheduler, --node-cpu, --node-memory, --with-mu, --activators N)";;
    esac
  done
  built || die "the binaries are not built; run: $0 build"
  if [ -n "$process" ]; then
    [ "$(id -u)" = 0 ] || die "process nodes need root: each pod gets a network namespace (ip netns)"
    command -v ip >/dev/null || die "process nodes need iproute2's ip"
    [ -f "$AGENT_JAR" ] || die "the node agent is not built; run: ./mvnw -B -q -pl deploy/testenv/node-agent -am package -DskipTests"
  fi
  if $mu; then
    [[ "$activators" =~ ^[1-9][0-9]?$ ]] || die "--activators must be 1-99, got '$activators'"
    [ -f "$CONTROLLER_JAR" ] && [ -f "$ACTIVATOR_JAR" ] \
      || die "Mu is not built; run: ./mvnw -B -q -pl operator,activator-lb/app -am package -DskipTests"
  fi
  local config="nodes=$nodes process=$process scheduler=$scheduler cpu=$cpu memory=$memory mu=$mu activators=$activators"
  if running; then
    if [ "$(cat "$RUN/config" 2>/dev/null)" = "$config" ]; then
      say "already running"
      env_line
      return
    fi
    say "running with other nodes ($(cat "$RUN/config" 2>/dev/null)); starting again"
  fi
  down >/dev/null 2>&1 || true
  mkdir -p "$RUN"
  : >"$RUN/pids"
  # Pods on process nodes reach the API server as pods do on a cluster: through the kubernetes
  # Service (kube-proxy), whose endpoint is the bridge's address; without them it stays on loopback.
  local api_ip=127.0.0.1 api_bind=127.0.0.1
  if [ -n "$process" ]; then
    api_ip="$POD_SUBNET.1" api_bind=0.0.0.0
    bridge_up
  fi
  certs "$POD_SUBNET.1"
  local etcd_port peer_port api_port
  etcd_port="$(free_port)"; peer_port="$(free_port)"; api_port="$(free_port)"
  start etcd "$BIN/etcd" --data-dir "$RUN/etcd" --name mu \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "mu=http://127.0.0.1:$peer_port" --unsafe-no-fsync
  wait_for "etcd" 30 curl -fsS "http://127.0.0.1:$etcd_port/health"
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address "$api_bind" --advertise-address "$api_ip" --secure-port "$api_port" \
    --tls-cert-file "$RUN/pki/admin.crt" --tls-private-key-file "$RUN/pki/admin.key" --client-ca-file "$RUN/pki/ca.crt" \
    --authorization-mode RBAC --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$RUN/pki/admin.key" --service-account-signing-key-file "$RUN/pki/admin.key" \
    --service-cluster-ip-range 10.0.0.0/24 --allow-privileged=true --enable-priority-and-fairness=false
  kubeconfig "$api_port"
  wait_for "kube-apiserver" 90 curl -fsS --cacert "$RUN/pki/ca.crt" --cert "$RUN/pki/admin.crt" --key "$RUN/pki/admin.key" \
    "https://127.0.0.1:$api_port/readyz"
  wait_for "namespace default" 60 "$BIN/kubectl" --kubeconfig "$RUN/kubeconfig" get namespace default
  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$RUN/kubeconfig" \
    --authentication-kubeconfig "$RUN/kubeconfig" --authorization-kubeconfig "$RUN/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false --use-service-account-credentials=false \
    --service-account-private-key-file "$RUN/pki/admin.key" --root-ca-file "$RUN/pki/ca.crt" \
    --controllers '*,-nodeipam,-cloud-node-lifecycle,-route,-service,-persistentvolume-binder,-attachdetach'
  if $scheduler; then
    start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$RUN/kubeconfig" \
      --authentication-kubeconfig "$RUN/kubeconfig" --authorization-kubeconfig "$RUN/kubeconfig" \
      --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
  fi
  start kwok "$BIN/kwok" --kubeconfig "$RUN/kubeconfig" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --disregard-status-with-annotation-selector kwok.x-k8s.io/status=custom \
    --cidr 10.1.0.0/16 --node-ip 127.0.0.1 --node-lease-duration-seconds 40 --server-address 127.0.0.1:0
  nodes_yaml "$nodes" "$cpu" "$memory" >"$RUN/nodes.yaml"
  [ -s "$RUN/nodes.yaml" ] && "$BIN/kubectl" --kubeconfig "$RUN/kubeconfig" apply -f "$RUN/nodes.yaml" >/dev/null
  if [ -n "$process" ]; then
    : >"$RUN/node-agent.log"
    echo "java -XX:+UseSerialGC -Xmx128m -jar '$AGENT_JAR' --nodes '$process' --node-cpu '$cpu' --node-memory '$memory'" \
      "--bridge $BRIDGE --subnet $POD_SUBNET --image-map '$ROOT/deploy/testenv/images.yaml' --repository '$ROOT'" \
      "--state-dir '$RUN/agent' --restart-backoff '${MU_AGENT_RESTART_BACKOFF:-10s}' --cluster-dns $POD_SUBNET.1" >"$RUN/agent.cmd"
    start_agent
    wait_for "the node agent" 60 bash -c "grep -q 'serving nodes' '$RUN/node-agent.log' || ! kill -0 \$(awk '\$2 == \"node-agent\" {print \$1}' '$RUN/pids')"
    grep -q 'serving nodes' "$RUN/node-agent.log" || die "the node agent did not start: $(tail -5 "$RUN/node-agent.log")"
    cluster_services_up "$(echo "$process" | sed 's/^\([a-z0-9]*\)=.*/proc-\1-0/')"
  fi
  [ "$nodes" = none ] && [ -z "$process" ] || wait_for "the nodes" 60 bash -c "! '$BIN/kubectl' --kubeconfig '$RUN/kubeconfig' get nodes --no-headers | grep -v ' Ready ' | grep -q . \
    && [ \$('$BIN/kubectl' --kubeconfig '$RUN/kubeconfig' get nodes --no-headers | wc -l) -gt 0 ]"
  $mu && mu_up "$activators"
  echo "$config" >"$RUN/config"
  say "up: Kubernetes $K8S_VERSION on https://127.0.0.1:$api_port, nodes $nodes${process:+, process nodes $process}$($scheduler && echo ", with kube-scheduler")$($mu && echo ", Mu with $activators activator-lb(s)")"
  env_line
}

# Mu on the control plane: the CRD, the controller (scheduler, autoscaler, operator) and the
# activator-lbs, as processes on this machine (the chart is how a cluster gets them).
mu_up() {
  local activators="$1" controller_port i port admin ingress=""
  "$BIN/kubectl" --kubeconfig "$RUN/kubeconfig" apply -f "$ROOT/deploy/crds/" >/dev/null
  "$BIN/kubectl" --kubeconfig "$RUN/kubeconfig" wait --for=condition=Established --timeout=60s crd/functions.muserving.dev >/dev/null
  controller_port="$(free_port)"
  port="$(free_port)"
  start controller env KUBECONFIG="$RUN/kubeconfig" java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port="$controller_port" \
    -Dmu.operator.identity=testenv-controller -Dmu.operator.domain="$MU_DOMAIN" -Dmu.operator.url-port="$port" \
    -Dmu.operator.autoscaler-tick="${MU_AUTOSCALER_TICK:-2s}" -jar "$CONTROLLER_JAR"
  wait_for "the controller" 90 bash -c "grep -q 'autoscaler: deciding every' '$RUN/controller.log'"
  for i in $(seq 0 $((activators - 1))); do
    [ "$i" = 0 ] || port="$(free_port)"
    admin="$(free_port)"
    start "activator-lb-$i" env KUBECONFIG="$RUN/kubeconfig" java -XX:+UseSerialGC -Xmx256m -Dmu.port="$port" -Dmu.admin-port="$admin" \
      -Dmu.domain="$MU_DOMAIN" -Dmu.controller="ws://127.0.0.1:$controller_port" -Dmu.replica-name="activator-lb-$i" -jar "$ACTIVATOR_JAR"
    wait_for "activator-lb-$i" 90 curl -fsS "http://127.0.0.1:$admin/ready"
    echo "$port" >>"$RUN/ingress-ports"
    ingress="${ingress:+$ingress }http://127.0.0.1:$port"
  done
  say "Mu: controller on :$controller_port, activator-lb(s) at $ingress; functions answer at http://<fn>.<ns>.$MU_DOMAIN:${ingress##*:} and $ingress/fn/<ns>/<fn>/"
}

# What a node runs besides kubelet, for process nodes' pods: kube-proxy (nftables), so that Service
# addresses (the API server's among them) route to ready pods, and CoreDNS on the bridge's address,
# which the agent writes into every pod's resolv.conf, so that <service>.<namespace>.svc resolves.
cluster_services_up() {
  local node="$1"
  command -v nft >/dev/null || die "process nodes need nftables' nft for kube-proxy (apt-get install nftables)"
  [ -x "$COREDNS" ] || die "coredns is not built; run: $0 build"
  sysctl -qw net.ipv4.ip_forward=1
  # a pod's answer to another pod on the bridge must pass conntrack, or a Service's DNAT is not undone
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || say "no br_netfilter: a Service may not answer a pod on the same bridge"
  start kube-proxy "$BIN/kube-proxy" --kubeconfig "$RUN/kubeconfig" --proxy-mode nftables --hostname-override "$node" \
    --cluster-cidr "$POD_SUBNET.0/24" --metrics-bind-address "127.0.0.1:$(free_port)" --healthz-bind-address "127.0.0.1:$(free_port)" \
    --conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0
  cat >"$RUN/Corefile" <<COREFILE
.:53 {
    bind $POD_SUBNET.1
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $RUN/kubeconfig mu-testenv
        pods insecure
        ttl 5
        fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    cache 5
}
COREFILE
  start coredns "$COREDNS" -conf "$RUN/Corefile"
  wait_for "kube-proxy" 60 nft list table ip kube-proxy
  wait_for "coredns" 60 dns_answers kubernetes.default.svc.cluster.local
}

dns_answers() { # name: succeeds when CoreDNS on the bridge answers it with an address
  python3 - "$1" "$POD_SUBNET.1" <<'PY'
import socket, struct, sys
name, server = sys.argv[1], sys.argv[2]
query = struct.pack(">HHHHHH", 1, 256, 1, 0, 0, 0) + b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) \
    + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(query, (server, 53))
sys.exit(0 if struct.unpack(">H", s.recv(512)[6:8])[0] > 0 else 1)
PY
}

env_line() {
  [ -f "$RUN/kubeconfig" ] || die "no control plane has been started (run: $0 up)"
  echo "export KUBECONFIG=$RUN/kubeconfig"
  # the kubectl of the control plane's version first: a machine's own may be older, or a wrapper
  echo "export PATH=$BIN:\$PATH"
  if [ -s "$RUN/ingress-ports" ]; then
    echo "export MU_INGRESS=http://127.0.0.1:$(head -1 "$RUN/ingress-ports")"
    echo "export MU_INGRESSES=\"$(sed 's|^|http://127.0.0.1:|' "$RUN/ingress-ports" | tr '\n' ' ' | sed 's/ $//')\""
  fi
}

bridge_up() {
  ip link delete "$BRIDGE" 2>/dev/null || true
  ip link add "$BRIDGE" type bridge
  ip addr add "$POD_SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

start_agent() { # appends to its log, which a restart keeps
  KUBECONFIG="$RUN/kubeconfig" bash -c "exec $(cat "$RUN/agent.cmd")" >>"$RUN/node-agent.log" 2>&1 &
  echo "$! node-agent" >>"$RUN/pids"
}

restart_agent() {
  [ -f "$RUN/agent.cmd" ] || die "no node agent runs here (up --process-nodes starts one)"
  local signal=TERM pid
  [ "${1:-}" = --kill ] && signal=KILL
  pid="$(awk '$2 == "node-agent" {print $1}' "$RUN/pids" | tail -1)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -"$signal" "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  grep -v ' node-agent$' "$RUN/pids" >"$RUN/pids.next" || true
  mv "$RUN/pids.next" "$RUN/pids"
  start_agent
  say "node agent restarted (the old one got SIG$signal)"
}

# Every pod's processes and network namespace, and the bridge: what process nodes leave behind.
pods_down() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^mu-pod-' || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
  ip link delete "$BRIDGE" 2>/dev/null || true
  rm -rf /etc/netns/mu-pod-*
  # kube-proxy's rules outlive it
  command -v nft >/dev/null && { nft delete table ip kube-proxy 2>/dev/null; nft delete table ip6 kube-proxy 2>/dev/null; } || true
}

down() {
  [ "$(id -u)" = 0 ] && command -v ip >/dev/null && pods_down_after=true || pods_down_after=false
  [ -f "$RUN/pids" ] || { $pods_down_after && pods_down; say "nothing to stop"; return; }
  local pid name
  tac "$RUN/pids" | while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      say "stopped $name ($pid)"
    fi
  done
  rm -f "$RUN/pids" "$RUN/config" "$RUN/ingress-ports"
  rm -rf "$RUN/etcd" "$RUN/agent"
  $pods_down_after && pods_down
  return 0
}

status() {
  [ -f "$RUN/pids" ] || { say "not running"; return 1; }
  local pid name
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then echo "$name: running ($pid)"; else echo "$name: stopped"; fi
  done <"$RUN/pids"
}

case "${1:-}" in
  build) build;;
  up) shift; up "$@";;
  down) down;;
  restart-agent) shift; restart_agent "$@";;
  env) env_line;;
  status) status;;
  helm) [ -x "$HELM" ] || die "helm is not built; run: $0 build"; echo "$HELM";;
  crane) [ -x "$CRANE" ] || die "crane is not built; run: $0 build"; echo "$CRANE";;
  vegeta) [ -x "$VEGETA" ] || die "vegeta is not built; run: $0 build"; echo "$VEGETA";;
  *) sed -n '2,20p' "$0" >&2; exit 2;;
esac

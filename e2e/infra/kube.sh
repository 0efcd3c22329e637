#!/usr/bin/env bash
# A real, pinned Kubernetes control plane for the end-to-end tests, on 127.0.0.1 only:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, which plays
# the kubelet for two fake nodes so pods become Running and Deployments Ready.
#
#   e2e/infra/kube.sh build    build the binaries from the Go module proxy (cached)
#   e2e/infra/kube.sh build-node   build kubelet, kubeadm, kube-proxy for the kind node image
#   e2e/infra/kube.sh up       build if needed, start, wait until ready (no-op when up)
#   e2e/infra/kube.sh down     stop exactly the processes `up` started (by PID file)
#   e2e/infra/kube.sh status   exit 0 when every part is running and ready
#   e2e/infra/kube.sh env      print the shell `export` lines for this cluster
#
# Versions are pinned in kube-build.go.mod beside this file (one source of truth, with
# kube-build.go.sum holding the checksums of every module the build uses); the
# binaries are cached as ${SLIPWAY_CACHE:-$HOME/.cache/slipway}/bin/<name>-<version>.
# Runtime state (certificates, etcd data, PID files, kubeconfig) lives in e2e/.state/,
# logs in e2e/.state/logs/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STATE=$ROOT/e2e/.state
LOGS=$STATE/logs
PIDS=$STATE/pids
PKI=$STATE/pki
CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
BIN=$CACHE/bin
GOMOD_TEMPLATE=$HERE/kube-build.go.mod
KUBECONFIG_FILE=$STATE/kubeconfig

# Ports: all on 127.0.0.1, away from the defaults so a real cluster on this host does
# not clash. Override with the environment if one of them is taken.
ETCD_CLIENT_PORT=${SLIPWAY_ETCD_CLIENT_PORT:-12379}
ETCD_PEER_PORT=${SLIPWAY_ETCD_PEER_PORT:-12380}
APISERVER_PORT=${SLIPWAY_APISERVER_PORT:-16443}
KCM_PORT=${SLIPWAY_KCM_PORT:-16257}
SCHEDULER_PORT=${SLIPWAY_SCHEDULER_PORT:-16259}
KWOK_PORT=${SLIPWAY_KWOK_PORT:-16247}
KWOK_NODES=${SLIPWAY_KWOK_NODES:-2}
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1

COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { echo "[kube] $*" >&2; }

# --- versions ---------------------------------------------------------------------
modver() { # modver MODULE -> the version required in the go.mod template
  awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$GOMOD_TEMPLATE"
}
K8S_VERSION=$(modver k8s.io/kubernetes)
ETCD_VERSION=$(modver go.etcd.io/etcd/server/v3)
KWOK_VERSION=$(modver sigs.k8s.io/kwok)
[[ -n $K8S_VERSION && -n $ETCD_VERSION && -n $KWOK_VERSION ]] \
  || { echo "[kube] ERROR: cannot read pinned versions from $GOMOD_TEMPLATE" >&2; exit 1; }

binpath() { # binpath COMPONENT
  case $1 in
    etcd) echo "$BIN/etcd-$ETCD_VERSION" ;;
    kwok) echo "$BIN/kwok-$KWOK_VERSION" ;;
    *) echo "$BIN/$1-$K8S_VERSION" ;;
  esac
}

# kwok (v0.8+) has no built-in behaviour: it follows Stage documents. We use the
# "fast" set kwok itself ships (kustomize/stage/fast): nodes become Ready and keep
# their Lease fresh, pods become Running/Ready, Job pods Succeeded, deleted pods go.
KWOK_STAGE_FILES=(
  kustomize/stage/node/fast/node-initialize.yaml
  kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml
  kustomize/stage/pod/fast/pod-ready.yaml
  kustomize/stage/pod/fast/pod-complete.yaml
  kustomize/stage/pod/fast/pod-delete.yaml
)
kwok_stages() { echo "$BIN/kwok-stages-$KWOK_VERSION.yaml"; }

write_kwok_stages() { # copies the stage documents out of the pinned kwok module
  local dir=$1 src f out
  src=$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json sigs.k8s.io/kwok | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $src ]] || { echo "[kube] ERROR: cannot find the sigs.k8s.io/kwok@$KWOK_VERSION module source" >&2; exit 1; }
  out=$(kwok_stages)
  : >"$out.tmp"
  for f in "${KWOK_STAGE_FILES[@]}"; do
    [[ -f $src/$f ]] || { echo "[kube] ERROR: kwok $KWOK_VERSION has no $f" >&2; exit 1; }
    printf -- '---\n# from sigs.k8s.io/kwok@%s/%s\n' "$KWOK_VERSION" "$f" >>"$out.tmp"
    cat "$src/$f" >>"$out.tmp"
  done
  mv -f "$out.tmp" "$out"
}

# --- build ------------------------------------------------------------------------
# The kubelet, kubeadm and kube-proxy of a kind node (e2e/infra/kind.sh) come from the
# same pinned module; `build-node` builds them (the local control plane needs none).
NODE_COMPONENTS=(kubelet kubeadm kube-proxy)

gopkg() { # gopkg COMPONENT -> its main package
  case $1 in
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    kwok) echo sigs.k8s.io/kwok/cmd/kwok ;;
    *) echo "k8s.io/kubernetes/cmd/$1" ;;
  esac
}

gobinary() { # gobinary COMPONENT -> the file go build writes (a main package's last path element, without /vN)
  case $1 in
    etcd) echo server ;;
    *) echo "$1" ;;
  esac
}

missing_of() { # missing_of COMPONENT... -> those without a cached binary
  local c
  for c in "$@"; do [[ -x $(binpath "$c") ]] || echo "$c"; done
}

build() { # build COMPONENT...: build those not cached yet, in one go build
  local wanted=("$@") missing c need_stages=0
  [[ " ${wanted[*]} " == *" kwok "* && ! -f $(kwok_stages) ]] && need_stages=1
  mapfile -t missing < <(missing_of "${wanted[@]}")
  if ((${#missing[@]} == 0 && need_stages == 0)); then return 0; fi

  command -v go >/dev/null || {
    echo "[kube] ERROR: missing prerequisite: the Go toolchain ($(awk '$1 == "go" {print "go " $2; exit}' "$GOMOD_TEMPLATE")+) is needed to build ${missing[*]}" >&2
    exit 1
  }
  local dir=$CACHE/kube-build/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION
  mkdir -p "$dir" "$BIN" "$LOGS"
  exec 8>"$dir/.lock"
  # A concurrent `up` waits for this build instead of starting a second one.
  flock -w 3600 8 || { echo "[kube] ERROR: another build holds $dir/.lock" >&2; exit 1; }
  mapfile -t missing < <(missing_of "${wanted[@]}")

  # The generated module: go.mod and go.sum are ours (kube-build.go.{mod,sum}); the
  # recorded checksums pin every module's content, and -mod=mod lets go fill in the
  # indirect requirements that the short go.mod leaves out.
  cp "$GOMOD_TEMPLATE" "$dir/go.mod"
  cp "$HERE/kube-build.go.sum" "$dir/go.sum"
  ((need_stages)) && write_kwok_stages "$dir"
  if ((${#missing[@]} == 0)); then exec 8>&-; return 0; fi # only the stage file was missing
  local pkgs=()
  for c in "${missing[@]}"; do pkgs+=("$(gopkg "$c")"); done
  local buildlog=$LOGS/build.log start=$SECONDS
  log "building ${missing[*]} (kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) from the Go module proxy"
  log "(one go build, ~15 min on 2 cores with an empty Go cache; progress in $buildlog)"
  rm -rf "$dir/out" && mkdir -p "$dir/out"
  # Stamp the release into the binaries as Kubernetes' own build does
  # (hack/lib/version.sh); otherwise /version says v0.0.0-master and Helm's
  # .Capabilities.KubeVersion (chart kubeVersion constraints) is wrong.
  local minor=${K8S_VERSION#v1.} ldflags="-s -w" pkg
  minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean"
  done
  if ! (cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 \
        go build -trimpath -ldflags="$ldflags" -o out/ "${pkgs[@]}") >"$buildlog" 2>&1; then
    echo "[kube] ERROR: building ${missing[*]} failed; see $buildlog" >&2
    tail -n 30 "$buildlog" >&2
    exit 1
  fi
  for c in "${missing[@]}"; do mv -f "$dir/out/$(gobinary "$c")" "$(binpath "$c")"; done
  log "built ${missing[*]} in $((SECONDS - start)) s into $BIN"
  exec 8>&-
}

# --- processes --------------------------------------------------------------------
pidof_component() { # prints the PID if the component we started is alive
  local f=$PIDS/$1.pid pid exe
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  # Only a process running our binary counts: a recycled PID is someone else's.
  [[ ${exe% (deleted)} == "$(binpath "$1")" ]] || return 1
  echo "$pid"
}

start_component() { # start_component NAME ARGS...
  local name=$1 bin
  shift
  bin=$(binpath "$name")
  : >"$LOGS/$name.log"
  # setsid: the process outlives this script and does not get the terminal's Ctrl-C.
  # 8>&- 9>&-: the lock files of this script must not stay locked by the children.
  setsid "$bin" "$@" </dev/null >>"$LOGS/$name.log" 2>&1 8>&- 9>&- &
  echo $! >"$PIDS/$name.pid"
}

stop_component() {
  local name=$1 pid i
  if pid=$(pidof_component "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- certificates and kubeconfig ---------------------------------------------------
certs() {
  [[ -f $PKI/ca.crt && -f $PKI/apiserver.crt && -f $PKI/admin.crt && -f $PKI/sa.pub ]] && return 0
  command -v openssl >/dev/null || { echo "[kube] ERROR: missing prerequisite: openssl" >&2; exit 1; }
  mkdir -p "$PKI"
  (
    cd "$PKI"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=slipway-e2e-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    cat >apiserver.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=slipway-admin" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out admin.crt -days 3650 -extfile admin.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext
  )
}

write_kubeconfig() {
  local b64="base64 -w0"
  cat >"$KUBECONFIG_FILE.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-e2e
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 "$PKI/ca.crt")
users:
- name: slipway-admin
  user:
    client-certificate-data: $($b64 "$PKI/admin.crt")
    client-key-data: $($b64 "$PKI/admin.key")
contexts:
- name: slipway-e2e
  context:
    cluster: slipway-e2e
    user: slipway-admin
current-context: slipway-e2e
EOF
  chmod 600 "$KUBECONFIG_FILE.tmp"
  mv -f "$KUBECONFIG_FILE.tmp" "$KUBECONFIG_FILE"
}

# --- health -----------------------------------------------------------------------
curl_api() { # curl_api PATH
  curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT$1"
}

healthy() { # healthy COMPONENT
  case $1 in
    etcd) curl -fsS --max-time 3 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" 2>/dev/null | grep -q '"health":"true"' ;;
    kube-apiserver) [[ $(curl_api /readyz 2>/dev/null) == ok ]] ;;
    kube-controller-manager) [[ $(curl -ksS --max-time 3 "https://127.0.0.1:$KCM_PORT/healthz" 2>/dev/null) == ok ]] ;;
    kube-scheduler) [[ $(curl -ksS --max-time 3 "https://127.0.0.1:$SCHEDULER_PORT/healthz" 2>/dev/null) == ok ]] ;;
    kwok) curl -fsS --max-time 3 "http://127.0.0.1:$KWOK_PORT/healthz" >/dev/null 2>&1 ;;
  esac
}

endpoint() {
  case $1 in
    etcd) echo "http://127.0.0.1:$ETCD_CLIENT_PORT (peer 127.0.0.1:$ETCD_PEER_PORT)" ;;
    kube-apiserver) echo "https://127.0.0.1:$APISERVER_PORT" ;;
    kube-controller-manager) echo "https://127.0.0.1:$KCM_PORT/healthz" ;;
    kube-scheduler) echo "https://127.0.0.1:$SCHEDULER_PORT/healthz" ;;
    kwok) echo "http://127.0.0.1:$KWOK_PORT/healthz" ;;
  esac
}

ports_of() {
  case $1 in
    etcd) echo "$ETCD_CLIENT_PORT $ETCD_PEER_PORT" ;;
    kube-apiserver) echo "$APISERVER_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT" ;;
    kube-scheduler) echo "$SCHEDULER_PORT" ;;
    kwok) echo "$KWOK_PORT" ;;
  esac
}

kubectl_() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" --request-timeout=10s "$@"; }

nodes_ready() {
  local n
  n=$(kubectl_ get nodes -l type=kwok \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null \
    | grep -c '^True$') || true
  ((n >= KWOK_NODES))
}

all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do
    pidof_component "$c" >/dev/null || return 1
  done
}

lock_state() { # one up/down at a time
  exec 9>"$STATE/.kube.lock"
  flock -w 300 9 || { echo "[kube] ERROR: another kube.sh up/down holds $STATE/.kube.lock" >&2; exit 1; }
}

# --- up ---------------------------------------------------------------------------
STARTED=()
fail() { # fail PART MESSAGE [nolog]: report, exit non-zero (the EXIT trap stops what this run started)
  local part=$1 msg=$2
  echo "[kube] ERROR: $part: $msg" >&2
  if [[ ${3:-} != nolog && -f $LOGS/$part.log ]]; then
    echo "[kube] log: $LOGS/$part.log (last lines below)" >&2
    tail -n 15 "$LOGS/$part.log" | sed 's/^/    /' >&2
  fi
  exit 1
}

stop_started_on_failure() { # EXIT trap of `up`: a failed or interrupted up leaves nothing running
  local rc=$? i
  if ((rc != 0 && ${#STARTED[@]} > 0)); then
    log "up failed: stopping what this run started"
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_component "${STARTED[i]}"; done
  fi
  exit $rc
}

wait_healthy() { # wait_healthy COMPONENT TIMEOUT_SECONDS
  local c=$1 deadline=$((SECONDS + $2))
  until healthy "$c"; do
    pidof_component "$c" >/dev/null || fail "$c" "exited during start-up"
    ((SECONDS < deadline)) || fail "$c" "not healthy at $(endpoint "$c") after $2 s"
    sleep 0.5
  done
}

launch() { # launch COMPONENT ARGS... then wait for its health endpoint
  local c=$1
  shift
  start_component "$c" "$@"
  STARTED+=("$c")
  wait_healthy "$c" "${TIMEOUT:-90}"
  log "$c ready: $(endpoint "$c") (pid $(<"$PIDS/$c.pid"), log $LOGS/$c.log)"
}

up() {
  mkdir -p "$STATE" "$LOGS" "$PIDS"
  lock_state

  command -v curl >/dev/null || { echo "[kube] ERROR: missing prerequisite: curl" >&2; exit 1; }
  KUBECTL=$("$HERE/tools.sh" | sed -n 's/^KUBECTL=//p')

  if all_running && healthy kube-apiserver && nodes_ready; then
    log "already up: $(endpoint kube-apiserver), kubeconfig $KUBECONFIG_FILE"
    return 0
  fi
  # Anything left over from an earlier run that died half-way: stop it, start afresh.
  local c
  for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_component "$c"; done

  build "${COMPONENTS[@]}"
  certs
  write_kubeconfig
  # Every port must be free before anything starts.
  local p
  for c in "${COMPONENTS[@]}"; do
    for p in $(ports_of "$c"); do
      port_in_use "$p" && fail "$c" "port 127.0.0.1:$p is already taken by another process (move it with the SLIPWAY_*_PORT variables, see e2e/README.md)" nolog
    done
  done
  local start=$SECONDS
  trap stop_started_on_failure EXIT
  trap 'exit 130' INT TERM
  rm -rf "$STATE/etcd"
  mkdir -p "$STATE/etcd" "$STATE/kwok-home" "$PKI/kcm" "$PKI/scheduler"

  launch etcd \
    --name=slipway \
    --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="slipway=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync \
    --auto-compaction-retention=1 \
    --quota-backend-bytes=2147483648 \
    --log-level=warn

  launch kube-apiserver \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$APISERVER_PORT" \
    --cert-dir="$PKI/apiserver-generated" \
    --tls-cert-file="$PKI/apiserver.crt" \
    --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --api-audiences=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=RBAC \
    --allow-privileged=true \
    --endpoint-reconciler-type=none \
    --profiling=false

  launch kube-controller-manager \
    --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --bind-address=127.0.0.1 \
    --secure-port="$KCM_PORT" \
    --cert-dir="$PKI/kcm" \
    --leader-elect=false \
    --controllers='*' \
    --root-ca-file="$PKI/ca.crt" \
    --service-account-private-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --node-monitor-period=5s \
    --node-monitor-grace-period=40s \
    --kube-api-qps=100 \
    --kube-api-burst=200 \
    --profiling=false

  launch kube-scheduler \
    --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --bind-address=127.0.0.1 \
    --secure-port="$SCHEDULER_PORT" \
    --cert-dir="$PKI/scheduler" \
    --leader-elect=false \
    --kube-api-qps=100 \
    --kube-api-burst=200 \
    --profiling=false

  # kwok plays the kubelet of every node annotated kwok.x-k8s.io/node=fake, with its
  # built-in stages: pods become Running/Ready, Job pods Succeeded. HOME is moved so
  # a ~/.kwok/kwok.yaml on the host cannot change its behaviour.
  # --node-lease-duration-seconds: the heartbeat-with-lease stage renews a Lease in
  # kube-node-lease only when kwok is given a lease duration; without one no Lease
  # exists, the node status (renewed every 45 s) outlives kube-controller-manager's 40 s
  # grace period and both nodes flap NotReady, leaving pods created then never Ready.
  HOME=$STATE/kwok-home launch kwok \
    --kubeconfig="$KUBECONFIG_FILE" \
    --node-lease-duration-seconds=40 \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 \
    --server-address="127.0.0.1:$KWOK_PORT" \
    --config="$(kwok_stages)"

  create_nodes
  local deadline=$((SECONDS + 90))
  until nodes_ready; do
    pidof_component kwok >/dev/null || fail kwok "exited while the nodes were coming up"
    ((SECONDS < deadline)) || fail kwok "the $KWOK_NODES kwok nodes are not Ready after 90 s"
    sleep 1
  done
  # Pods need the namespace's default ServiceAccount, made by the controller-manager.
  deadline=$((SECONDS + 60))
  until kubectl_ -n default get serviceaccount default >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail kube-controller-manager "no default ServiceAccount after 60 s"
    sleep 0.5
  done
  log "$KWOK_NODES kwok nodes Ready; cluster up in $((SECONDS - start)) s; kubeconfig $KUBECONFIG_FILE"
}

create_nodes() {
  local i manifest=""
  for ((i = 0; i < KWOK_NODES; i++)); do
    manifest+="---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: \"0\"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node-role.kubernetes.io/agent: \"\"
# No taints: plain pods schedule here without tolerations.
spec: {}
status:
  allocatable: {cpu: \"32\", memory: 256Gi, pods: \"110\"}
  capacity: {cpu: \"32\", memory: 256Gi, pods: \"110\"}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
"
  done
  local out
  out=$(printf '%s' "$manifest" | kubectl_ apply -f - 2>&1) || fail kube-apiserver "creating the kwok nodes failed: $out"
}

# --- down / status / env -----------------------------------------------------------
down() {
  mkdir -p "$STATE" "$PIDS"
  lock_state
  local c
  for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_component "$c"; done
  rm -rf "$STATE/etcd"
}

status() {
  local c pid rc=0
  for c in "${COMPONENTS[@]}"; do
    if pid=$(pidof_component "$c"); then
      if healthy "$c"; then
        printf '  %-24s running  pid %-8s %s\n' "$c" "$pid" "$(endpoint "$c")"
      else
        printf '  %-24s UNHEALTHY pid %-7s %s (log %s)\n' "$c" "$pid" "$(endpoint "$c")" "$LOGS/$c.log"
        rc=1
      fi
    else
      printf '  %-24s stopped\n' "$c"
      rc=1
    fi
  done
  if ((rc == 0)); then
    KUBECTL=$("$HERE/tools.sh" --print | sed -n 's/^KUBECTL=//p')
    if [[ -x $KUBECTL ]] && nodes_ready; then
      printf '  %-24s %s Ready\n' "kwok nodes" "$KWOK_NODES"
    else
      printf '  %-24s NOT Ready\n' "kwok nodes"
      rc=1
    fi
  fi
  return $rc
}

env_lines() {
  echo "export KUBECONFIG=\"$KUBECONFIG_FILE\""
  echo "export SLIPWAY_KUBE_VERSION=\"$K8S_VERSION\""
  echo "export SLIPWAY_KUBE_APISERVER=\"https://127.0.0.1:$APISERVER_PORT\""
}

case ${1:-} in
  build) build "${COMPONENTS[@]}" ;;
  build-node) build "${NODE_COMPONENTS[@]}" ;;
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_lines ;;
  versions) echo "kubernetes=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION" ;;
  *)
    echo "usage: $0 build|up|down|status|env|versions" >&2
    exit 2
    ;;
esac

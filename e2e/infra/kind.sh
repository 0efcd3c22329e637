#!/usr/bin/env bash
# A real kind cluster for the end-to-end tests: one control-plane node and one worker,
# pods running real containers, everything built on this machine (no image registry is
# reachable).
#
#   e2e/infra/kind.sh build        build what is missing: kind, kubelet/kubeadm/kube-proxy,
#                                  the control-plane images and the kind node image
#   e2e/infra/kind.sh up           build, create the cluster, wire pod networking, wait
#                                  until every node is Ready, load the demo images
#   e2e/infra/kind.sh down         delete the cluster
#   e2e/infra/kind.sh status       exit 0 when the cluster answers and every node is Ready
#   e2e/infra/kind.sh load IMAGE…  copy docker images into every node
#   e2e/infra/kind.sh env          print the shell `export` lines for this cluster
#   e2e/infra/kind.sh gateway      print the host's address on the cluster's Docker network
#
# The node image (slipway.local/kind-node) is e2e/images/kind-node: the Debian base of
# e2e/infra/images.sh with systemd, containerd, runc and the CNI plugins from Debian's
# packages, kubelet/kubeadm/kubectl from the pinned build (e2e/infra/kube.sh build-node),
# and the control-plane images (kube-apiserver, kube-controller-manager, kube-scheduler,
# kube-proxy, etcd: the same pinned binaries; pause from e2e/images/pause) that it
# imports into containerd at boot. Pod networking: Debian's bridge + host-local CNI
# plugins with the node's podCIDR, and a route per other node (what kindnetd does).
# CoreDNS is not installed (no image of it is built here); nothing in the tests
# resolves cluster DNS names.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STATE=$ROOT/e2e/.state
LOGS=$STATE/logs
CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
BIN=$CACHE/bin
CLUSTER=${SLIPWAY_KIND_CLUSTER:-slipway-e2e}
API_PORT=${SLIPWAY_KIND_APISERVER_PORT:-17443}
KUBECONFIG_FILE=$STATE/kubeconfig
KIND_VERSION=v0.33.0
KIND_BIN=$BIN/kind-$KIND_VERSION
IMAGE_REPO=slipway.local/k8s

log() { echo "[kind] $*" >&2; }
die() { echo "[kind] ERROR: $*" >&2; exit 1; }

# Versions and image names from their one source each, read once.
VERSIONS=$(bash "$HERE/kube.sh" versions)
K8S_VERSION=$(sed -n 's/.*kubernetes=\([^ ]*\).*/\1/p' <<<"$VERSIONS")
ETCD_VERSION=$(sed -n 's/.*etcd=\([^ ]*\).*/\1/p' <<<"$VERSIONS")
IMAGE_NAMES=$(bash "$HERE/images.sh" names)
images_name() { sed -n "s/^$1=//p" <<<"$IMAGE_NAMES"; }
BASE_IMAGE=$(images_name BASE_IMAGE)
PAUSE_IMAGE=$(images_name PAUSE_IMAGE)
KUBECTL=$(bash "$HERE/tools.sh" --print | sed -n 's/^KUBECTL=//p')
kubectl_() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" --request-timeout=20s "$@"; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# --- build --------------------------------------------------------------------------
build_kind() {
  [[ -x $KIND_BIN ]] && return 0
  local tmp
  tmp=$(mktemp -d)
  log "building kind $KIND_VERSION from the Go module proxy"
  GOBIN=$tmp CGO_ENABLED=0 go install "sigs.k8s.io/kind@$KIND_VERSION" >"$LOGS/build-kind.log" 2>&1 \
    || { rm -rf "$tmp"; die "go install sigs.k8s.io/kind@$KIND_VERSION failed; see $LOGS/build-kind.log"; }
  mv -f "$tmp/kind" "$KIND_BIN"
  rm -rf "$tmp"
}

# The node image's tag covers everything that goes into it, so a change rebuilds it.
node_image() {
  local sum
  sum=$( (cd "$ROOT/e2e/images" && cat kind-node/Dockerfile kind-node/files/* kube-component/Dockerfile kube-proxy/Dockerfile pause/*;
          echo "$K8S_VERSION $ETCD_VERSION $BASE_IMAGE $PAUSE_IMAGE") | sha256sum | cut -c1-12)
  echo "slipway.local/kind-node:$K8S_VERSION-$sum"
}

component_image() { # component_image NAME -> the image kubeadm runs for it
  case $1 in
    etcd) echo "$IMAGE_REPO/etcd:$ETCD_VERSION" ;;
    *) echo "$IMAGE_REPO/$1:$K8S_VERSION" ;;
  esac
}

build_component_image() { # build_component_image NAME BINARY DOCKERFILE_DIR
  local name=$1 binary=$2 dir=$3 ctx
  ctx=$(mktemp -d)
  mkdir -p "$ctx/bin"
  cp "$ROOT/e2e/images/$dir/Dockerfile" "$ctx/"
  cp "$binary" "$ctx/bin/$name"
  docker build --build-arg "COMPONENT=$name" --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$(component_image "$name")" "$ctx" \
    >"$LOGS/image-$name.log" 2>&1 || { rm -rf "$ctx"; die "building the $name image failed; see $LOGS/image-$name.log"; }
  rm -rf "$ctx"
}

build_node_image() {
  local image ctx c
  image=$(node_image)
  have_image "$image" && return 0
  bash "$HERE/images.sh" base
  bash "$HERE/images.sh" pause
  bash "$HERE/kube.sh" build
  bash "$HERE/kube.sh" build-node
  bash "$HERE/tools.sh" >/dev/null
  local start=$SECONDS
  log "building the kind node image $image"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    build_component_image "$c" "$BIN/$c-$K8S_VERSION" kube-component
  done
  build_component_image etcd "$BIN/etcd-$ETCD_VERSION" kube-component
  build_component_image kube-proxy "$BIN/kube-proxy-$K8S_VERSION" kube-proxy
  ctx=$(mktemp -d)
  cp -r "$ROOT/e2e/images/kind-node/." "$ctx/"
  mkdir -p "$ctx/bin" "$ctx/images"
  cp "$BIN/kubelet-$K8S_VERSION" "$ctx/bin/kubelet"
  cp "$BIN/kubeadm-$K8S_VERSION" "$ctx/bin/kubeadm"
  cp "$KUBECTL" "$ctx/bin/kubectl"
  docker save -o "$ctx/images/pause.tar" "$PAUSE_IMAGE"
  for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd; do
    docker save -o "$ctx/images/$c.tar" "$(component_image "$c")"
  done
  docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "KUBE_VERSION=$K8S_VERSION" -t "$image" "$ctx" \
    >"$LOGS/image-kind-node.log" 2>&1 || { rm -rf "$ctx"; tail -n 20 "$LOGS/image-kind-node.log" >&2; die "building the node image failed; see $LOGS/image-kind-node.log"; }
  rm -rf "$ctx"
  log "built $image in $((SECONDS - start)) s"
}

build() {
  mkdir -p "$LOGS" "$BIN"
  command -v docker >/dev/null && docker info >/dev/null 2>&1 || die "a running Docker engine is needed (bash e2e/infra/docker.sh up)"
  build_kind
  build_node_image
}

# --- cluster ------------------------------------------------------------------------
kind_() { "$KIND_BIN" "$@"; }

exists() { [[ -x $KIND_BIN ]] && kind_ get clusters 2>/dev/null | grep -qx "$CLUSTER"; }

write_config() {
  cat >"$STATE/kind-config.yaml" <<YAML
# Written by e2e/infra/kind.sh up.
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  apiServerAddress: 127.0.0.1
  apiServerPort: $API_PORT
  # Pod networking is wired by kind.sh (bridge CNI + routes): kindnetd's image is not built here.
  disableDefaultCNI: true
nodes:
  - role: control-plane
  - role: worker
kubeadmConfigPatches:
  - |
    kind: ClusterConfiguration
    imageRepository: $IMAGE_REPO
    etcd:
      local:
        imageTag: $ETCD_VERSION
  - |
    kind: InitConfiguration
    skipPhases: [preflight, addon/coredns]
  - |
    kind: KubeletConfiguration
    # This machine class runs cgroup v1; kubelet refuses it from 1.35 on unless told.
    failCgroupV1: false
YAML
}

nodes() { kind_ get nodes --name "$CLUSTER"; }

node_ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }

# Pod networking: each node's podCIDR on a bridge, a route to every other node's podCIDR.
wire_pod_network() {
  local n m cidr ip
  for n in $(nodes); do
    cidr=""
    for _ in $(seq 1 60); do
      cidr=$(kubectl_ get node "$n" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)
      [[ -n $cidr ]] && break
      sleep 1
    done
    [[ -n $cidr ]] || die "node $n has no podCIDR"
    docker exec -i "$n" sh -c 'cat >/etc/cni/net.d/10-slipway-bridge.conflist' <<JSON
{
  "cniVersion": "1.0.0",
  "name": "slipway",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "$cidr"}]], "routes": [{"dst": "0.0.0.0/0"}]}
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
    for m in $(nodes); do
      [[ $m == "$n" ]] && continue
      ip=$(node_ip "$m")
      local other
      other=$(kubectl_ get node "$m" -o jsonpath='{.spec.podCIDR}')
      [[ -n $other ]] && docker exec "$n" ip route replace "$other" via "$ip"
    done
  done
}

load() { # load IMAGE...
  (($#)) || return 0
  kind_ load docker-image --name "$CLUSTER" "$@" >>"$LOGS/kind.log" 2>&1 || die "kind load docker-image $* failed; see $LOGS/kind.log"
}

up() {
  mkdir -p "$STATE" "$LOGS"
  build
  if ! exists; then
    write_config
    local start=$SECONDS
    log "creating kind cluster $CLUSTER ($(node_image); log $LOGS/kind.log)"
    if ! kind_ create cluster --name "$CLUSTER" --image "$(node_image)" --config "$STATE/kind-config.yaml" \
        --kubeconfig "$KUBECONFIG_FILE" --retain >"$LOGS/kind.log" 2>&1; then
      kind_ export logs --name "$CLUSTER" "$LOGS/kind-export" >/dev/null 2>&1 || true
      # SLIPWAY_KIND_KEEP_FAILED=1 leaves the nodes running to look into them.
      [[ ${SLIPWAY_KIND_KEEP_FAILED:-} == 1 ]] || kind_ delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
      tail -n 20 "$LOGS/kind.log" >&2
      die "kind create cluster failed; see $LOGS/kind.log and $LOGS/kind-export/"
    fi
    log "cluster created in $((SECONDS - start)) s"
  fi
  kind_ get kubeconfig --name "$CLUSTER" >"$KUBECONFIG_FILE"
  wire_pod_network
  kubectl_ wait --for=condition=Ready nodes --all --timeout=180s >/dev/null \
    || { kubectl_ get nodes >&2 || true; die "the nodes did not become Ready"; }
  bash "$HERE/images.sh" demo
  # shellcheck disable=SC2046
  load $(images_name DEMO_IMAGES)
  log "up: $(nodes | tr '\n' ' ')(API https://127.0.0.1:$API_PORT)"
}

down() {
  exists || return 0
  kind_ delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  log "deleted kind cluster $CLUSTER"
}

status() {
  exists || { echo "  kind cluster $CLUSTER: not running"; return 1; }
  kubectl_ get --raw /readyz >/dev/null 2>&1 || { echo "  kind cluster $CLUSTER: API not ready"; return 1; }
  local notready
  notready=$(kubectl_ get nodes --no-headers 2>/dev/null | awk '$2 != "Ready" {print $1}')
  [[ -z $notready ]] || { echo "  kind cluster $CLUSTER: nodes not Ready: $notready"; return 1; }
  echo "  kind cluster $CLUSTER: ready ($(nodes | tr '\n' ' ')) at https://127.0.0.1:$API_PORT"
}

gateway() { docker network inspect kind -f '{{range .IPAM.Config}}{{if .Gateway}}{{.Gateway}} {{end}}{{end}}' | awk '{print $1}'; }

env_lines() {
  echo "export SLIPWAY_KIND_CLUSTER='$CLUSTER'"
  echo "export SLIPWAY_KIND_BIN='$KIND_BIN'"
  echo "export SLIPWAY_KUBE_VERSION='$K8S_VERSION'"
  echo "export SLIPWAY_KUBE_APISERVER='https://127.0.0.1:$API_PORT'"
  echo "export SLIPWAY_DOCKER_GATEWAY='$(gateway)'"
}

case ${1:-} in
  build) build ;;
  up) up ;;
  down) down ;;
  status) status ;;
  load) shift; load "$@" ;;
  env) env_lines ;;
  gateway) gateway ;;
  node-image) node_image ;;
  *) echo "usage: $0 build|up|down|status|load IMAGE...|env|gateway|node-image" >&2; exit 2 ;;
esac

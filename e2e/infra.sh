#!/usr/bin/env bash
# The one entry point to Slipway's local end-to-end infrastructure.
#
#   e2e/infra.sh up      install what is missing, start Kubernetes (+ Ironic), wait
#                        until healthy, write e2e/.state/env; a no-op when already up
#   e2e/infra.sh down    stop exactly the processes `up` started (by PID file)
#   e2e/infra.sh status  report each part; exit 0 only when everything is up
#
# (npm run infra:up / infra:down / infra:status call this.)
#
# Parts:
#   kube    kind mode: e2e/infra/docker.sh + e2e/infra/kind.sh (one control-plane node
#           and one worker); local mode: e2e/infra/kube.sh: etcd, kube-apiserver,
#           kube-controller-manager, kube-scheduler and kwok (two fake nodes); all
#           Kubernetes binaries built from the Go module proxy
#   tools   e2e/infra/tools.sh: pinned helm and kubectl
#   ironic  e2e/infra/ironic.sh: Ironic + a Redfish emulator, when that file exists;
#           it writes e2e/.state/ironic.env, which is appended to e2e/.state/env
#
# e2e/.state/env holds shell `export` lines; tests read it through e2e/support/env.ts,
# a shell uses `. e2e/.state/env`.
#
# The cluster: where Docker Engine runs (or, as root on Debian, can be installed) a real
# kind cluster (e2e/infra/kind.sh: node image, control-plane images, demo images and the
# controller's own image all built here; pods run real containers); elsewhere the local
# control plane with kwok nodes. E2E_CLUSTER=kind|local chooses; the Ironic part is the
# same in both.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INFRA=$HERE/infra
STATE=$HERE/.state
ENV_FILE=$STATE/env
MODE_FILE=$STATE/cluster-mode
CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}

say() { echo "[infra] $*" >&2; }
die() { echo "[infra] ERROR: $*" >&2; exit 1; }

have_ironic() { [[ -f $INFRA/ironic.sh ]]; }

cluster_mode() {
  if [[ -f $MODE_FILE ]]; then cat "$MODE_FILE"; else default_mode; fi
}

# --- kind: a real cluster on Docker Engine (e2e/infra/kind.sh) ----------------------
kind_up() {
  bash "$INFRA/docker.sh" up || die "kube: the Docker engine did not come up"
  bash "$INFRA/kind.sh" up || die "kube: the kind cluster did not come up (logs in $STATE/logs/)"
  # The controller's own image, from the repository's Dockerfile, in every node (the
  # in-cluster e2e test installs charts/slipway with it). Docker's layer cache makes an
  # unchanged tree a quick rebuild.
  bash "$INFRA/images.sh" controller || die "kube: building the controller image failed"
  bash "$INFRA/kind.sh" load "$(bash "$INFRA/images.sh" names | sed -n 's/^CONTROLLER_IMAGE=//p')"
}

kind_down() {
  bash "$INFRA/kind.sh" down || true
  bash "$INFRA/docker.sh" down || true
}

kind_status() {
  bash "$INFRA/docker.sh" status || { echo "  docker: no engine answers"; return 1; }
  bash "$INFRA/kind.sh" status
}

# Where Docker Engine runs or can be installed, the e2e target is a real kind cluster;
# elsewhere the local control plane with kwok nodes. E2E_CLUSTER=local|kind decides.
default_mode() {
  if [[ -n ${E2E_CLUSTER:-} ]]; then echo "$E2E_CLUSTER"
  elif bash "$INFRA/docker.sh" available >/dev/null 2>&1; then echo kind
  else echo local
  fi
}

# --- env file ----------------------------------------------------------------------
write_env() {
  local mode=$1 tmp=$ENV_FILE.tmp
  umask 077
  {
    echo "# Written by e2e/infra.sh up ($(date -u +%Y-%m-%dT%H:%M:%SZ)). Runtime state: never commit."
    echo "# Use from a shell with:  . e2e/.state/env"
    echo "export SLIPWAY_E2E_CLUSTER='$mode'"
    echo "export SLIPWAY_BIN='$CACHE/bin'"
    echo "export PATH=\"\$SLIPWAY_BIN:\$PATH\""
    echo "export HELM='$HELM'"
    echo "export KUBECTL='$KUBECTL'"
    echo "export KUBECONFIG='$STATE/kubeconfig'"
    if [[ $mode == local ]]; then
      bash "$INFRA/kube.sh" env | sed -e '/^export KUBECONFIG=/d'
    else
      bash "$INFRA/kind.sh" env
    fi
    if have_ironic && [[ -f $STATE/ironic.env ]]; then
      echo "# --- from e2e/.state/ironic.env (written by e2e/infra/ironic.sh) ---"
      grep -v '^#' "$STATE/ironic.env"
    fi
  } >"$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

tools() {
  local out
  out=$(bash "$INFRA/tools.sh") || die "tools: installing helm/kubectl failed (see the messages above)"
  HELM=$(sed -n 's/^HELM=//p' <<<"$out")
  KUBECTL=$(sed -n 's/^KUBECTL=//p' <<<"$out")
}

# --- commands ----------------------------------------------------------------------
cmd_up() {
  local start=$SECONDS mode kube_was_up=0
  mode=$(default_mode)
  mkdir -p "$STATE"
  if [[ -f $MODE_FILE && $(cat "$MODE_FILE") != "$mode" ]]; then
    die "the infra is in '$(cat "$MODE_FILE")' mode; run e2e/infra.sh down first"
  fi
  tools
  case $mode in
    local)
      bash "$INFRA/kube.sh" status >/dev/null 2>&1 && kube_was_up=1
      echo local >"$MODE_FILE"
      if ! bash "$INFRA/kube.sh" up; then
        ((kube_was_up)) || rm -f "$MODE_FILE"
        die "kube: the Kubernetes control plane did not come up (logs in $STATE/logs/)"
      fi
      ;;
    kind)
      kind_status >/dev/null 2>&1 && kube_was_up=1
      echo kind >"$MODE_FILE"
      (kind_up) || { ((kube_was_up)) || rm -f "$MODE_FILE"; exit 1; }
      ;;
    *) die "E2E_CLUSTER must be 'local' (default) or 'kind', not '$mode'" ;;
  esac
  if have_ironic; then
    if ! bash "$INFRA/ironic.sh" up; then
      # Leave no stray processes: stop the cluster too if this run started it.
      if ((kube_was_up == 0)); then
        if [[ $mode == local ]]; then bash "$INFRA/kube.sh" down || true; else kind_down; fi
        rm -f "$MODE_FILE"
      fi
      die "ironic: Ironic did not come up (logs: $STATE/logs/ironic.log, $STATE/logs/sushy.log)"
    fi
  else
    say "ironic: e2e/infra/ironic.sh not present; skipping the Ironic part"
  fi
  write_env "$mode"
  echo
  cmd_status || die "a part is not healthy right after up (see above)"
  say "up in $((SECONDS - start)) s; environment in $ENV_FILE (. e2e/.state/env)"
}

cmd_down() {
  local mode
  mode=$(cluster_mode)
  if have_ironic; then bash "$INFRA/ironic.sh" down || say "ironic: down reported an error"; fi
  if [[ $mode == kind ]]; then kind_down; else bash "$INFRA/kube.sh" down; fi
  rm -f "$ENV_FILE" "$MODE_FILE"
  say "down"
}

cmd_status() {
  local rc=0 mode
  mode=$(cluster_mode)
  KUBECTL=$(bash "$INFRA/tools.sh" --print | sed -n 's/^KUBECTL=//p')
  echo "kube ($mode):"
  if [[ $mode == kind ]]; then kind_status || rc=1; else bash "$INFRA/kube.sh" status || rc=1; fi
  if have_ironic; then
    echo "ironic:"
    bash "$INFRA/ironic.sh" status 2>&1 | sed 's/^/  /' || rc=1
  fi
  if [[ -f $ENV_FILE ]]; then
    echo "env: $ENV_FILE"
  else
    echo "env: $ENV_FILE missing (run: npm run infra:up)"
    rc=1
  fi
  return $rc
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac

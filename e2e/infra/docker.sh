#!/usr/bin/env bash
# The Docker engine the kind cluster and the image builds run on.
#
#   e2e/infra/docker.sh up       install Debian's docker.io when dockerd is missing (as root),
#                                start dockerd when none answers, wait until it does
#   e2e/infra/docker.sh down     stop dockerd if `up` started it (containers and images stay)
#   e2e/infra/docker.sh status   exit 0 when an engine answers
#   e2e/infra/docker.sh available  exit 0 when an engine answers or can be installed/started
#
# dockerd runs with e2e/infra/docker/runc-bounded as its default runtime: on machines
# whose root lacks a capability in its bounding set (CAP_SYS_RESOURCE here), a
# --privileged container (every kind node) cannot start with plain runc.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STATE=$ROOT/e2e/.state
LOGS=$STATE/logs
PIDFILE=$STATE/pids/dockerd.pid

log() { echo "[docker] $*" >&2; }
die() { echo "[docker] ERROR: $*" >&2; exit 1; }

answers() { command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; }

install() {
  command -v dockerd >/dev/null && command -v docker >/dev/null && return 0
  [[ $(id -u) == 0 ]] || die "dockerd is not installed; as root, e2e/infra/docker.sh installs Debian's docker.io"
  command -v apt-get >/dev/null || die "dockerd is not installed and this is not a Debian system (no apt-get)"
  log "installing Debian's docker.io (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >"$LOGS/apt-docker.log" 2>&1 \
    || die "apt-get install docker.io failed; see $LOGS/apt-docker.log"
}

up() {
  mkdir -p "$LOGS" "$(dirname "$PIDFILE")"
  answers && return 0
  install
  local runtime=$HERE/docker/runc-bounded
  log "starting dockerd (log $LOGS/dockerd.log)"
  # setsid: dockerd outlives this script; 8>&- 9>&-: it must not hold our lock files.
  setsid dockerd --add-runtime "slipway-runc=$runtime" --default-runtime slipway-runc \
    </dev/null >>"$LOGS/dockerd.log" 2>&1 8>&- 9>&- &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 60); do
    answers && { log "dockerd answers (pid $(cat "$PIDFILE"))"; return 0; }
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 1
  done
  tail -n 20 "$LOGS/dockerd.log" >&2
  die "dockerd did not come up; see $LOGS/dockerd.log"
}

down() {
  [[ -f $PIDFILE ]] || return 0
  local pid
  pid=$(cat "$PIDFILE")
  if [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */dockerd ]]; then
    kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    log "stopped dockerd (pid $pid)"
  fi
  rm -f "$PIDFILE"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) answers ;;
  available) answers || command -v dockerd >/dev/null || { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; } ;;
  *) echo "usage: $0 up|down|status|available" >&2; exit 2 ;;
esac

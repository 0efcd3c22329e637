#!/usr/bin/env bash
# Runs a command while a CPU hog keeps the cores busy, to show the suite holds under load:
#   bash e2e/stress.sh                      # bash .ci/run under `stress-ng --cpu 2`
#   bash e2e/stress.sh npm run test:unit    # any other command
#   STRESS_CPUS=4 bash e2e/stress.sh ...    # more hog workers (default 2: both cores)
# stress-ng (Debian package stress-ng) is installed with apt when missing. The hog is
# stopped by a trap on every exit (failure, Ctrl-C, TERM included). Prints the command's
# wall time and the load averages before, during (at the end) and after; exits with the
# command's status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cpus="${STRESS_CPUS:-2}"
if (($# == 0)); then set -- bash .ci/run; fi

if ! command -v stress-ng >/dev/null; then
  echo "== stress: installing stress-ng with apt" >&2
  if ((EUID != 0)); then sudo=(sudo); else sudo=(); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq stress-ng >/dev/null
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }

hog=""
cmd=""
stop_hog() {
  if [[ -n "$hog" ]] && kill -0 "$hog" 2>/dev/null; then
    # stress-ng's parent passes TERM on to its workers and reaps them.
    kill -TERM "$hog" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$hog" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$hog" 2>/dev/null || true
    wait "$hog" 2>/dev/null || true
  fi
  hog=""
}
# The command runs in the background with `wait`, so a signal to this script is handled at
# once: passed on to the command, then the hog is stopped.
on_signal() {
  [[ -n "$cmd" ]] && kill -TERM "$cmd" 2>/dev/null || true
  stop_hog
  exit "$1"
}
trap stop_hog EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

before="$(load)"
stress-ng --cpu "$cpus" --timeout 0 --quiet &
hog=$!
sleep 1
kill -0 "$hog" 2>/dev/null || { echo "== stress: stress-ng did not start" >&2; exit 1; }
echo "== stress: stress-ng --cpu $cpus (pid $hog) running; load average before: $before" >&2
echo "== stress: running: $*" >&2

start=$(date +%s.%N)
status=0
"$@" &
cmd=$!
wait "$cmd" || status=$?
cmd=""
end=$(date +%s.%N)
during="$(load)"
stop_hog
after="$(load)"

wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
echo "== stress: exit $status; wall time ${wall} s; load average before: $before, at the end: $during, after stopping the hog: $after" >&2
exit "$status"

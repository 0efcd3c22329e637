#!/usr/bin/env bash
# Local OpenStack Ironic (standalone, one process), a sushy-tools Redfish
# emulator and emulated IPMI BMCs (pyghmi) for Slipway's end-to-end tests.
# Everything listens on 127.0.0.1 only.
#
#   e2e/infra/ironic.sh up       install if needed (cached), start, wait healthy
#   e2e/infra/ironic.sh down     stop exactly the processes `up` started
#   e2e/infra/ironic.sh status   report; exit 0 only if both parts are healthy
#
# Installs Ironic and sushy-tools from PyPI, pinned by ironic/requirements.txt
# and ironic/constraints.txt, into ${SLIPWAY_CACHE:-$HOME/.cache/slipway}/
# ironic-venv-<version>; a second install with the same pins does nothing.
# State (SQLite DB, config, htpasswd files, generated credentials) lives in
# e2e/.state/ironic/, logs in e2e/.state/logs/{ironic,sushy,ipmi-bmc,ironic-install}.log,
# pid files in e2e/.state/{ironic,sushy,ipmi-bmc}.pid, and `up` writes the
# connection details to e2e/.state/ironic.env as shell `export` lines.
#
# Settings (environment): SLIPWAY_CACHE, SLIPWAY_IRONIC_PORT (6385),
# SLIPWAY_SUSHY_PORT (8000), SLIPWAY_IPMI_PORTS (6230,6231: one emulated BMC
# per UDP port), SLIPWAY_IRONIC_START_TIMEOUT (180 seconds),
# SLIPWAY_IRONIC_STATE_DIR (e2e/.state: where state, logs, pid files and
# ironic.env go, so a test can run a second Ironic beside the suite's), and
# SLIPWAY_IRONIC_FAKE_DEPLOY_DELAY (0: Ironic's [fake] deploy_delay in seconds,
# slept by the fake deploy interface in prepare and in deploy, so a
# fake-hardware deploy takes about twice it; the suite's Ironic keeps 0).
set -euo pipefail

IRONIC_VERSION=39.0.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
e2e_dir="$(dirname "$here")"
files="$here/ironic"
state_root="${SLIPWAY_IRONIC_STATE_DIR:-$e2e_dir/.state}"
state="$state_root/ironic"
logs="$state_root/logs"
env_file="$state_root/ironic.env"
ironic_pidfile="$state_root/ironic.pid"
sushy_pidfile="$state_root/sushy.pid"
ipmi_pidfile="$state_root/ipmi-bmc.pid"
ironic_log="$logs/ironic.log"
sushy_log="$logs/sushy.log"
ipmi_log="$logs/ipmi-bmc.log"
install_log="$logs/ironic-install.log"
ironic_conf="$state/ironic.conf"
sushy_conf="$state/sushy-emulator.conf"
ipmi_state="$state/ipmi-state.json"

home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
cache="${SLIPWAY_CACHE:-$home/.cache/slipway}"
venv="$cache/ironic-venv-$IRONIC_VERSION"
ironic_port="${SLIPWAY_IRONIC_PORT:-6385}"
sushy_port="${SLIPWAY_SUSHY_PORT:-8000}"
ipmi_ports="${SLIPWAY_IPMI_PORTS:-6230,6231}"
start_timeout="${SLIPWAY_IRONIC_START_TIMEOUT:-180}"
fake_deploy_delay="${SLIPWAY_IRONIC_FAKE_DEPLOY_DELAY:-0}"
[[ $fake_deploy_delay =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "ironic.sh: ERROR: SLIPWAY_IRONIC_FAKE_DEPLOY_DELAY must be a number of seconds" >&2; exit 1; }
ironic_url="http://127.0.0.1:$ironic_port"
sushy_url="http://127.0.0.1:$sushy_port"

# Paths as shown to people: relative to the repository when possible.
repo_dir="$(dirname "$e2e_dir")"
rel() { local p="$1"; echo "${p#"$repo_dir"/}"; }

say() { echo "ironic.sh: $*"; }
die() { echo "ironic.sh: ERROR: $*" >&2; exit 1; }

# --- processes ---------------------------------------------------------------

# pid_of PIDFILE MARKER: print the pid recorded in PIDFILE if that process is
# alive and its command line contains MARKER (guards against a reused pid).
pid_of() {
  local pidfile="$1" marker="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  # a zombie is not alive
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ]] || return 1
  echo "$pid"
}

# group_alive PGID: true while a process of group PGID is alive (zombies, which
# a container's init may never reap, do not count).
group_alive() {
  ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# proc_alive PID: like kill -0, but a zombie is dead.
proc_alive() {
  local st
  st="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z* ]]
}

# stop_pid NAME PIDFILE MARKER: TERM the process group `up` created (its leader
# is the recorded pid), wait, then KILL; remove the pid file.
stop_pid() {
  local name="$1" pidfile="$2" marker="$3" pid pgid i
  if ! pid="$(pid_of "$pidfile" "$marker")"; then
    [[ -f "$pidfile" ]] && say "$name: not running (removing stale $(rel "$pidfile"))"
    rm -f "$pidfile"
    return 0
  fi
  pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
  if [[ "$pgid" == "$pid" ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
  else
    kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 100; i++)); do
    if [[ "$pgid" == "$pid" ]]; then
      group_alive "$pid" || break
    else
      proc_alive "$pid" || break
    fi
    sleep 0.1
  done
  if [[ "$pgid" == "$pid" ]] && group_alive "$pid"; then
    say "$name: did not stop within 10s, sending KILL to process group $pid"
    kill -KILL -- "-$pid" 2>/dev/null || true
  elif [[ "$pgid" != "$pid" ]] && proc_alive "$pid"; then
    say "$name: did not stop within 10s, sending KILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "$name: stopped (pid $pid)"
}

# start_bg PIDFILE LOG CMD...: start CMD in its own session and process group
# (setsid, so `down` can stop it and its children as one group), detached from
# the terminal, appending to LOG. Prints the pid.
start_bg() {
  local pidfile="$1" log="$2"
  shift 2
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) ironic.sh up: starting $(basename "$1")" >>"$log"
  # 9>&-: do not hand the lock descriptor of cmd_up to the long-lived service.
  (cd "$state" && exec setsid "$@") </dev/null >>"$log" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$pidfile"
  echo "$pid"
}

# --- prerequisites and install ----------------------------------------------

apt_install() {
  if [[ "$(id -u)" != 0 ]]; then
    die "missing system package(s): $* — install them (sudo apt-get install $*) and run again"
  fi
  say "installing system package(s) with apt-get: $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$install_log" 2>&1; then
    # The package lists may be missing on a fresh machine.
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$install_log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$install_log" 2>&1 ||
      die "apt-get could not install $* (see $(rel "$install_log"))"
  fi
}

ensure_system_packages() {
  local missing=()
  # The ipmi hardware type refuses to load without an ipmitool binary.
  command -v ipmitool >/dev/null 2>&1 || missing+=(ipmitool)
  command -v setsid >/dev/null 2>&1 || missing+=(util-linux)
  command -v ps >/dev/null 2>&1 || missing+=(procps)
  command -v flock >/dev/null 2>&1 || missing+=(util-linux)
  if ((${#missing[@]})); then
    local pkgs
    mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
    apt_install "${pkgs[@]}"
  fi
}

find_python() {
  local py
  for py in "${SLIPWAY_PYTHON:-}" python3.11 python3.12 python3.10 python3; do
    [[ -n "$py" ]] || continue
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null; then
      echo "$py"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local want have py
  want="$(cat "$files/requirements.txt" "$files/constraints.txt" | sha256sum | cut -d' ' -f1)"
  have="$(cat "$venv/.slipway-pins" 2>/dev/null || true)"
  if [[ "$want" == "$have" && -x "$venv/bin/ironic" && -x "$venv/bin/sushy-emulator" ]] &&
    "$venv/bin/python" -c 'import pyghmi' 2>/dev/null; then
    return 0
  fi
  py="$(find_python)" || die "prerequisite missing: a Python 3.10-3.13 interpreter (python3) to install Ironic; set SLIPWAY_PYTHON to one"
  say "installing Ironic $IRONIC_VERSION, sushy-tools and pyghmi into $venv (log: $(rel "$install_log"))"
  mkdir -p "$cache"
  if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$py" -m venv "$venv" >>"$install_log" 2>&1; then
      rm -rf "$venv"
      apt_install python3-venv
      "$py" -m venv "$venv" >>"$install_log" 2>&1 || die "could not create a virtualenv with $py (see $(rel "$install_log"))"
    fi
  fi
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
    -c "$files/constraints.txt" -r "$files/requirements.txt" >>"$install_log" 2>&1; then
    die "pip could not install Ironic/sushy-tools (see $(rel "$install_log"))"
  fi
  echo "$want" >"$venv/.slipway-pins"
}

# --- configuration -----------------------------------------------------------

render() { # render TEMPLATE OUTPUT
  sed -e "s|@STATE_DIR@|$state|g" \
    -e "s|@IRONIC_PORT@|$ironic_port|g" \
    -e "s|@SUSHY_PORT@|$sushy_port|g" \
    -e "s|@FAKE_DEPLOY_DELAY@|$fake_deploy_delay|g" "$1" >"$2.tmp"
  mv "$2.tmp" "$2"
}

prepare_state() {
  mkdir -p "$state"/{locks,httpboot,tftpboot,images,master_images,sushy-state} "$logs"
  chmod 700 "$state"
  "$venv/bin/python" "$files/helper.py" secrets "$state"
  render "$files/ironic.conf.in" "$ironic_conf"
  render "$files/sushy-emulator.conf.in" "$sushy_conf"
}

load_credentials() {
  set -a
  # shellcheck disable=SC1091
  . "$state/credentials.env"
  set +a
  export IRONIC_URL="$ironic_url" SUSHY_URL="$sushy_url"
}

sync_db() {
  local stamp="$state/ironic.sqlite.version"
  if [[ -f "$state/ironic.sqlite" && "$(cat "$stamp" 2>/dev/null || true)" == "$IRONIC_VERSION" ]]; then
    return 0
  fi
  local action=upgrade
  [[ -f "$state/ironic.sqlite" ]] || action=create_schema
  say "database: ironic-dbsync $action ($(rel "$state")/ironic.sqlite)"
  if ! "$venv/bin/ironic-dbsync" --config-file "$ironic_conf" "$action" >>"$ironic_log" 2>&1; then
    die "Ironic database: ironic-dbsync $action failed (see $(rel "$ironic_log"))"
  fi
  echo "$IRONIC_VERSION" >"$stamp"
}

write_env() {
  local max_version ids
  max_version="$("$venv/bin/python" "$files/helper.py" max-version)"
  ids="$("$venv/bin/python" "$files/helper.py" system-ids)"
  umask 077
  cat >"$env_file.tmp" <<EOF
# Written by e2e/infra/ironic.sh up; holds generated secrets: never commit.
export IRONIC_URL='$ironic_url'
export IRONIC_USERNAME='$IRONIC_USERNAME'
export IRONIC_PASSWORD='$IRONIC_PASSWORD'
export IRONIC_API_MAX_VERSION='$max_version'
export SUSHY_URL='$sushy_url'
export SUSHY_USERNAME='$SUSHY_USERNAME'
export SUSHY_PASSWORD='$SUSHY_PASSWORD'
export SUSHY_SYSTEM_IDS='$ids'
export IPMI_ADDRESS='127.0.0.1'
export IPMI_PORTS='$ipmi_ports'
export IPMI_USERNAME='$IPMI_USERNAME'
export IPMI_PASSWORD='$IPMI_PASSWORD'
EOF
  mv "$env_file.tmp" "$env_file"
}

# --- emulated IPMI BMCs --------------------------------------------------------

# ipmi_bmc_args: NAME:PORT for each port of SLIPWAY_IPMI_PORTS.
ipmi_bmc_args() {
  local i=0 port
  for port in ${ipmi_ports//,/ }; do
    echo "slipway-ipmi-$i:$port"
    i=$((i + 1))
  done
}

# ipmi_probe: every BMC answers `power status` over lanplus with the credentials.
ipmi_probe() {
  local port out
  for port in ${ipmi_ports//,/ }; do
    # -E: ipmitool reads the password from IPMI_PASSWORD, not from argv.
    if ! out="$(ipmitool -I lanplus -H 127.0.0.1 -p "$port" -U "$IPMI_USERNAME" -E -L ADMINISTRATOR \
      -R 1 -N 1 power status 2>&1)"; then
      echo "127.0.0.1:$port/udp: ${out//$'\n'/ }"
      return 1
    fi
  done
}

wait_ipmi() { # wait_ipmi PID SECONDS
  local pid="$1" deadline=$(($(date +%s) + $2)) problem
  while :; do
    problem="$(ipmi_probe)" && return 0
    proc_alive "$pid" || {
      echo "process $pid exited; last check: $problem"
      return 1
    }
    (($(date +%s) < deadline)) || {
      echo "timed out after $2s; last check: $problem"
      return 1
    }
    sleep 0.5
  done
}

# --- commands ----------------------------------------------------------------

started_pids=()
cleanup_failed_up() {
  local rc=$?
  if ((rc != 0)) && ((${#started_pids[@]})); then
    say "up failed: stopping what this run started"
    stop_pid sushy-emulator "$sushy_pidfile" "$sushy_conf" >/dev/null 2>&1 || true
    stop_pid ipmi-bmc "$ipmi_pidfile" "$ipmi_state" >/dev/null 2>&1 || true
    stop_pid ironic "$ironic_pidfile" "$ironic_conf" >/dev/null 2>&1 || true
    rm -f "$env_file"
  fi
  exit "$rc"
}

fail_part() { # fail_part NAME LOG MESSAGE
  echo "ironic.sh: ERROR: $1 did not come up: $3" >&2
  echo "ironic.sh: last lines of $(rel "$2"):" >&2
  tail -n 15 "$2" | sed 's/^/    /' >&2 || true
  exit 1
}

cmd_up() {
  mkdir -p "$state" "$logs"
  exec 9>"$state_root/ironic.lock"
  flock -w 300 9 || die "another ironic.sh is running (lock $(rel "$state_root")/ironic.lock)"

  local ironic_pid sushy_pid ipmi_pid t0 rc ironic_log_offset=0 port problem
  t0=$(date +%s)
  ironic_pid="$(pid_of "$ironic_pidfile" "$ironic_conf" || true)"
  sushy_pid="$(pid_of "$sushy_pidfile" "$sushy_conf" || true)"
  ipmi_pid="$(pid_of "$ipmi_pidfile" "$ipmi_state" || true)"
  if [[ -n "$ironic_pid" && -n "$sushy_pid" && -n "$ipmi_pid" && -f "$env_file" && -x "$venv/bin/python" ]]; then
    load_credentials
    if "$venv/bin/python" "$files/helper.py" probe-ironic 2>/dev/null &&
      "$venv/bin/python" "$files/helper.py" probe-sushy 2>/dev/null &&
      ipmi_probe >/dev/null; then
      say "already running: Ironic $ironic_url (pid $ironic_pid), sushy-tools $sushy_url (pid $sushy_pid), IPMI BMCs on 127.0.0.1:{$ipmi_ports}/udp (pid $ipmi_pid); env in $(rel "$env_file")"
      return 0
    fi
  fi

  command -v python3 >/dev/null 2>&1 || find_python >/dev/null || die "prerequisite missing: python3 (3.10-3.13)"
  touch "$install_log"
  ensure_system_packages
  ensure_venv
  prepare_state
  load_credentials
  trap cleanup_failed_up EXIT

  # Ports: a part that is not ours must not be holding them.
  if [[ -z "$ironic_pid" ]] && ! "$venv/bin/python" "$files/helper.py" port-free "$ironic_port"; then
    die "Ironic: port 127.0.0.1:$ironic_port is taken by another process (set SLIPWAY_IRONIC_PORT to use another)"
  fi
  if [[ -z "$sushy_pid" ]] && ! "$venv/bin/python" "$files/helper.py" port-free "$sushy_port"; then
    die "sushy-tools emulator: port 127.0.0.1:$sushy_port is taken by another process (set SLIPWAY_SUSHY_PORT to use another)"
  fi
  if [[ -z "$ipmi_pid" ]]; then
    for port in ${ipmi_ports//,/ }; do
      "$venv/bin/python" "$files/helper.py" port-free "$port" udp ||
        die "IPMI BMC emulator: port 127.0.0.1:$port/udp is taken by another process (set SLIPWAY_IPMI_PORTS to use others)"
    done
  fi

  if [[ -z "$sushy_pid" ]]; then
    rm -f "$sushy_pidfile"
    sushy_pid="$(start_bg "$sushy_pidfile" "$sushy_log" "$venv/bin/sushy-emulator" --config "$sushy_conf")"
    started_pids+=("$sushy_pid")
  fi
  if [[ -z "$ipmi_pid" ]]; then
    rm -f "$ipmi_pidfile"
    local bmcs
    mapfile -t bmcs < <(ipmi_bmc_args)
    # PYTHONUNBUFFERED: its log lines reach ipmi-bmc.log as they happen.
    ipmi_pid="$(PYTHONUNBUFFERED=1 start_bg "$ipmi_pidfile" "$ipmi_log" "$venv/bin/python" "$files/ipmi_bmc.py" \
      "$ipmi_state" "${bmcs[@]}")"
    started_pids+=("$ipmi_pid")
  fi
  if [[ -z "$ironic_pid" ]]; then
    rm -f "$ironic_pidfile"
    sync_db
    ironic_log_offset="$(stat -c %s "$ironic_log" 2>/dev/null || echo 0)"
    ironic_pid="$(start_bg "$ironic_pidfile" "$ironic_log" "$venv/bin/ironic" --config-file "$ironic_conf")"
    started_pids+=("$ironic_pid")
  fi

  rc=0
  "$venv/bin/python" "$files/helper.py" wait-sushy "$sushy_pid" 60 2>"$state/wait.err" || rc=$?
  ((rc == 0)) || fail_part "sushy-tools emulator ($sushy_url)" "$sushy_log" "$(cat "$state/wait.err")"
  problem="$(wait_ipmi "$ipmi_pid" 30)" || fail_part "IPMI BMC emulator (127.0.0.1:{$ipmi_ports}/udp)" "$ipmi_log" "$problem"
  rc=0
  "$venv/bin/python" "$files/helper.py" wait-ironic "$ironic_pid" "$start_timeout" \
    "$ironic_log" "$ironic_log_offset" 2>"$state/wait.err" || rc=$?
  ((rc == 0)) || fail_part "Ironic ($ironic_url)" "$ironic_log" "$(cat "$state/wait.err")"
  rm -f "$state/wait.err"

  write_env
  trap - EXIT
  say "Ironic $IRONIC_VERSION  listening on $ironic_url (pid $ironic_pid, log $(rel "$ironic_log"))"
  say "sushy-tools emulator listening on $sushy_url (pid $sushy_pid, log $(rel "$sushy_log"))"
  say "IPMI BMC emulator listening on 127.0.0.1:{$ipmi_ports}/udp (pid $ipmi_pid, log $(rel "$ipmi_log"))"
  say "connection details in $(rel "$env_file") (up took $(($(date +%s) - t0))s)"
}

cmd_down() {
  mkdir -p "$state_root"
  exec 9>"$state_root/ironic.lock"
  flock -w 60 9 || die "another ironic.sh is running (lock $(rel "$state_root")/ironic.lock)"
  stop_pid ironic "$ironic_pidfile" "$ironic_conf"
  stop_pid sushy-emulator "$sushy_pidfile" "$sushy_conf"
  stop_pid ipmi-bmc "$ipmi_pidfile" "$ipmi_state"
  rm -f "$env_file"
}

cmd_status() {
  local rc=0 pid problem
  if [[ -f "$state/credentials.env" && -x "$venv/bin/python" ]]; then load_credentials; fi
  if pid="$(pid_of "$ironic_pidfile" "$ironic_conf")"; then
    if problem="$("$venv/bin/python" "$files/helper.py" probe-ironic 2>&1)"; then
      say "Ironic: running, healthy at $ironic_url (pid $pid)"
    else
      say "Ironic: running (pid $pid) but unhealthy: $problem (log $(rel "$ironic_log"))"
      rc=1
    fi
  else
    say "Ironic: not running"
    rc=1
  fi
  if pid="$(pid_of "$sushy_pidfile" "$sushy_conf")"; then
    if problem="$("$venv/bin/python" "$files/helper.py" probe-sushy 2>&1)"; then
      say "sushy-tools emulator: running, healthy at $sushy_url (pid $pid)"
    else
      say "sushy-tools emulator: running (pid $pid) but unhealthy: $problem (log $(rel "$sushy_log"))"
      rc=1
    fi
  else
    say "sushy-tools emulator: not running"
    rc=1
  fi
  if pid="$(pid_of "$ipmi_pidfile" "$ipmi_state")"; then
    if problem="$(ipmi_probe)"; then
      say "IPMI BMC emulator: running, healthy at 127.0.0.1:{$ipmi_ports}/udp (pid $pid)"
    else
      say "IPMI BMC emulator: running (pid $pid) but unhealthy: $problem (log $(rel "$ipmi_log"))"
      rc=1
    fi
  else
    say "IPMI BMC emulator: not running"
    rc=1
  fi
  return "$rc"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
  echo "usage: $0 up|down|status" >&2
  exit 64
  ;;
esac

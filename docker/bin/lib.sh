# Shared helpers for the docker/bin scripts. Source it; it defines functions and ROOT only.
# shellcheck shell=bash

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

# port_free PORT: true when nothing accepts connections on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: prints a loopback port that is free now, from 20000-59999, avoiding ones handed out by
# this shell already (so two calls in a row never return the same port).
_HANDED_OUT_PORTS=" "
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    case "$_HANDED_OUT_PORTS" in *" $p "*) continue ;; esac
    if port_free "$p"; then _HANDED_OUT_PORTS+="$p "; echo "$p"; return 0; fi
  done
  die "no free port found"
}

# pid_alive PIDFILE: true when the pid in PIDFILE is a live process.
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid PIDFILE NAME [GRACE_SECONDS]: SIGTERM, then SIGKILL after GRACE_SECONDS (default 30).
stop_pid() {
  local pidfile="$1" name="$2" grace="${3:-30}" pid i
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) still alive after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  log "$name stopped (pid $pid)"
}

# ensure_lib POM LIBDIR: copy the POM's runtime dependencies into LIBDIR once (again when the POM changes).
ensure_lib() {
  local pom="$1" lib="$2" stamp
  stamp="$(sha256sum "$pom" | cut -c1-16)"
  if [[ -f "$lib/.stamp" && "$(cat "$lib/.stamp")" == "$stamp" ]]; then return 0; fi
  log "resolving $(basename "$(dirname "$pom")") classpath into $lib (Maven)"
  rm -rf "$lib"; mkdir -p "$lib"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >&2 \
    || die "mvn copy-dependencies failed for $pom"
  echo "$stamp" > "$lib/.stamp"
}

# wait_for_log FILE PATTERN TIMEOUT PIDFILE NAME: poll FILE for PATTERN; fail early if the process dies.
wait_for_log() {
  local file="$1" pattern="$2" timeout="$3" pidfile="$4" name="$5" deadline
  deadline=$(( $(date +%s) + timeout ))
  while (( $(date +%s) < deadline )); do
    if [[ -f "$file" ]] && grep -q -- "$pattern" "$file"; then return 0; fi
    pid_alive "$pidfile" || { tail -n 40 "$file" >&2 2>/dev/null; die "$name died during start-up (log: $file)"; }
    sleep 0.25
  done
  tail -n 40 "$file" >&2 2>/dev/null
  die "$name did not start within ${timeout}s (log: $file)"
}

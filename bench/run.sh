#!/usr/bin/env bash
# Benchmark of the /auth endpoints against Keycloak's stock endpoints, on one freshly started local
# stack (see bench/README.md). Not part of `mvn verify` or CI: it measures, it never fails on a number.
#
#   bench/run.sh [--no-build] [--keep-data]
#
# Sizes through the environment: BENCH_CONCURRENCY (4), BENCH_ROUNDS (4), BENCH_LOGINS (200),
# BENCH_REFRESHES (1000), BENCH_REGISTERS (200), BENCH_FAILURES (200).
# Ports: BENCH_HTTP_PORT (18080), BENCH_MGMT_PORT (19000), BENCH_PG_PORT (15433),
# BENCH_MAIL_PORT (13025), BENCH_MAIL_HTTP_PORT (18025).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
JAR="$ROOT/launcher/target/app-auth-launcher.jar"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JAVA="$JAVA_HOME/bin/java"

HTTP_PORT="${BENCH_HTTP_PORT:-18080}"
MGMT_PORT="${BENCH_MGMT_PORT:-19000}"
PG_PORT="${BENCH_PG_PORT:-15433}"
MAIL_PORT="${BENCH_MAIL_PORT:-13025}"
MAIL_HTTP_PORT="${BENCH_MAIL_HTTP_PORT:-18025}"

build=true
keep_data=false
for a in "$@"; do
  case "$a" in
    --no-build) build=false ;;
    --keep-data) keep_data=true ;;
    *) echo "bench/run.sh: unknown option $a (options: --no-build, --keep-data)" >&2; exit 2 ;;
  esac
done

log() { echo "bench: $*" >&2; }

# What else loads the machine: top's second sample is the CPU use of the last interval,
# not a lifetime average as in ps.
busiest() {
  top -b -n 2 -d 2 -o %CPU | awk '/^top -/ {n++} n == 2' | sed -n '7,12p' | cut -c 1-100
}

# A server already listening on one of our ports would be benchmarked instead of ours.
for port in "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" "$MAIL_PORT" "$MAIL_HTTP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is in use; stop what listens there or choose other BENCH_*_PORT values"
    exit 1
  fi
done

if $build || [ ! -f "$JAR" ]; then
  log "building (mvn -q -B -DskipTests package; --no-build skips this)"
  (cd "$ROOT" && mvn -q -B -DskipTests package)
fi

OUT="$BENCH_DIR/target"
mkdir -p "$OUT/classes"
"$JAVA_HOME/bin/javac" -d "$OUT/classes" "$BENCH_DIR"/src/*.java

# the launcher's --fresh only wipes a data dir that holds nothing but its own files: log beside it
WORK_DIR="$(mktemp -d /tmp/app-auth-bench.XXXXXX)"
DATA_DIR="$WORK_DIR/data"
LAUNCHER_LOG="$WORK_DIR/launcher.log"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULT="$OUT/results-$STAMP.md"
# the admin password goes through the environment so that it does not show in ps
BENCH_ADMIN_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export BENCH_ADMIN_PASSWORD

launcher_pid=""
pg_pid=""
stack_pids=""

# Every pid below the launcher (kc.sh, the Keycloak JVM); embedded PostgreSQL is started through
# pg_ctl and reparented to init, so it is tracked by its postmaster.pid instead.
descendants() {
  local p
  for p in $(pgrep -P "$1" 2>/dev/null || true); do
    echo "$p"
    descendants "$p"
  done
}

# alive and not a zombie: init here reaps orphans (the postmaster is one) only now and then
running() {
  local state
  state="$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

stop_stack() {
  local status=$?
  trap - EXIT INT TERM
  [ -f "$DATA_DIR/postgres/postmaster.pid" ] && pg_pid="$(head -n 1 "$DATA_DIR/postgres/postmaster.pid")"
  if [ -n "$launcher_pid" ] && kill -0 "$launcher_pid" 2>/dev/null; then
    stack_pids="$stack_pids $launcher_pid $(descendants "$launcher_pid" | tr '\n' ' ')"
    log "stopping the stack (SIGTERM to launcher $launcher_pid)"
    kill -TERM "$launcher_pid" 2>/dev/null || true
    # the launcher stops Keycloak, PostgreSQL and the mail catcher in its shutdown hook
    for _ in $(seq 1 120); do
      kill -0 "$launcher_pid" 2>/dev/null || break
      sleep 0.5
    done
  fi
  # PostgreSQL's processes exit a moment after pg_ctl returns; give them a few seconds
  local left=""
  for _ in $(seq 1 20); do
    left=""
    for p in $stack_pids $pg_pid; do
      running "$p" && left="$left $p"
    done
    [ -z "$left" ] && break
    sleep 0.5
  done
  if [ -n "$left" ]; then
    log "WARNING: processes of the stack still run:$left (see $LAUNCHER_LOG)"
    status=1
  elif [ -n "$launcher_pid" ]; then
    log "stack stopped; no process of it remains"
    if $keep_data || [ "$status" -ne 0 ]; then
      log "data and logs kept in $WORK_DIR"
    else
      rm -rf "$WORK_DIR"
    fi
  fi
  exit "$status"
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting the stack (data and log in $WORK_DIR)"
KC_BOOTSTRAP_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" "$JAVA" -jar "$JAR" --repo-root "$ROOT" \
  --data-dir "$DATA_DIR" --fresh --admin-user admin \
  --http-port "$HTTP_PORT" --management-port "$MGMT_PORT" --pg-port "$PG_PORT" \
  --mail-port "$MAIL_PORT" --mail-http-port "$MAIL_HTTP_PORT" >"$LAUNCHER_LOG" 2>&1 &
launcher_pid=$!

t0=$SECONDS
# ready = health says so and the launcher has printed its banner (the realm is imported by then)
until curl -fsS -o /dev/null "http://127.0.0.1:$MGMT_PORT/health/ready" 2>/dev/null \
    && grep -q 'app-auth is up' "$LAUNCHER_LOG"; do
  if ! kill -0 "$launcher_pid" 2>/dev/null; then
    log "the launcher exited before Keycloak was ready:"; tail -n 40 "$LAUNCHER_LOG" >&2; exit 1
  fi
  if (( SECONDS - t0 > 300 )); then
    log "Keycloak not ready after 300 s:"; tail -n 40 "$LAUNCHER_LOG" >&2; exit 1
  fi
  sleep 1
done
log "Keycloak ready after $(( SECONDS - t0 )) s"
stack_pids="$(descendants "$launcher_pid" | tr '\n' ' ')"

# the Keycloak JVM: the descendant running Quarkus' entry point (for RSS and CPU time)
kc_pid=""
for p in $stack_pids; do
  if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'io.quarkus.bootstrap.runner.QuarkusEntryPoint'; then
    kc_pid=$p
  fi
done
[ -n "$kc_pid" ] || log "WARNING: Keycloak JVM not found; RSS and CPU columns will say n/a"
pg_pid="$(head -n 1 "$DATA_DIR/postgres/postmaster.pid" 2>/dev/null || true)"

{
  echo "## Run $STAMP"
  echo
  echo "Commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $("$JAVA" -version 2>&1 | head -n 1)."
  echo "Busiest processes over 2 s before the run (this stack's Keycloak is idle then):"
  echo
  echo '```'
  busiest
  echo '```'
  echo
} | tee "$RESULT"

"$JAVA" -Xmx256m -cp "$OUT/classes" \
  -Dbench.baseUrl="http://127.0.0.1:$HTTP_PORT" -Dbench.adminUser=admin \
  -Dbench.kcPid="${kc_pid:--1}" -Dbench.pgPid="${pg_pid:--1}" \
  -Dbench.concurrency="${BENCH_CONCURRENCY:-4}" -Dbench.rounds="${BENCH_ROUNDS:-4}" \
  -Dbench.logins="${BENCH_LOGINS:-200}" -Dbench.refreshes="${BENCH_REFRESHES:-1000}" \
  -Dbench.registers="${BENCH_REGISTERS:-200}" -Dbench.failures="${BENCH_FAILURES:-200}" \
  Bench | tee -a "$RESULT"

{
  echo
  echo "Busiest processes over 2 s right after the run:"
  echo
  echo '```'
  busiest
  echo '```'
} | tee -a "$RESULT"
log "results in $RESULT"

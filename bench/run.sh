#!/usr/bin/env bash
# Benchmark of the bundle's endpoints against stock Keycloak 26.7.3 without the bundle (same distribution,
# same database and realm, started here beside the bundle's server), plus one argon2 hash in-process in each
# implementation (see bench/README.md). Not part of `mvn verify` or CI: it measures, it never fails on a number.
#
#   bench/run.sh [--no-build] [--keep-data]
#
# Sizes through the environment: BENCH_LEVELS (1,4,16: concurrency levels), BENCH_SLOT_SECONDS (6: each
# side runs 2 such slots per level, after half a slot of warm-up), BENCH_FAILURES (100), BENCH_HASHES (60).
# Ports: BENCH_HTTP_PORT (18080), BENCH_MGMT_PORT (19000), BENCH_PG_PORT (15433), BENCH_MAIL_PORT (13025),
# BENCH_MAIL_HTTP_PORT (18025), BENCH_REDIS_PORT (16380), BENCH_STOCK_HTTP_PORT (18081), BENCH_STOCK_MGMT_PORT (19001).
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
REDIS_PORT="${BENCH_REDIS_PORT:-16380}"
STOCK_HTTP_PORT="${BENCH_STOCK_HTTP_PORT:-18081}"
STOCK_MGMT_PORT="${BENCH_STOCK_MGMT_PORT:-19001}"
KC_VERSION="$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)"
DIST="$ROOT/launcher/target/keycloak-$KC_VERSION"

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
for port in "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" "$MAIL_PORT" "$MAIL_HTTP_PORT" "$REDIS_PORT" "$STOCK_HTTP_PORT" "$STOCK_MGMT_PORT"; do
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
# the hash measurement calls the bundle's shaded libargon2 binding and Keycloak's own BouncyCastle and JNA
HASH_CP="$ROOT/providers/target/app-auth-providers.jar:$(ls "$DIST"/lib/lib/main/org.bouncycastle.bcprov-jdk18on-*.jar):$(ls "$DIST"/lib/lib/main/net.java.dev.jna.jna-*.jar)"
"$JAVA_HOME/bin/javac" -d "$OUT/classes" -cp "$HASH_CP" "$BENCH_DIR"/src/*.java

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
stock_pid=""
STOCK_HOME="$WORK_DIR/keycloak-stock"
STOCK_LOG="$WORK_DIR/keycloak-stock.log"

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
  # the stock server first: it uses the launcher's PostgreSQL
  if [ -n "$stock_pid" ] && kill -0 "$stock_pid" 2>/dev/null; then
    stack_pids="$stack_pids $stock_pid $(descendants "$stock_pid" | tr '\n' ' ')"
    log "stopping stock Keycloak (SIGTERM to $stock_pid)"
    kill -TERM $(descendants "$stock_pid") "$stock_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$stock_pid" 2>/dev/null || break
      sleep 0.5
    done
  fi
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

HASH_FILE="$OUT/hash-$STAMP.properties"
log "one argon2 hash in-process, libargon2 vs BouncyCastle (before any server runs)"
"$JAVA" -Xmx256m -Dbench.hashes="${BENCH_HASHES:-60}" -cp "$OUT/classes:$HASH_CP" HashBench "$HASH_FILE" >&2

log "starting the stack (data and log in $WORK_DIR)"
# the bench measures what requests cost, not the API's rate limits: lifted as in the integration tests
KC_BOOTSTRAP_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" "$JAVA" -jar "$JAR" --repo-root "$ROOT" \
  --data-dir "$DATA_DIR" --fresh --admin-user admin \
  --http-port "$HTTP_PORT" --management-port "$MGMT_PORT" --pg-port "$PG_PORT" \
  --mail-port "$MAIL_PORT" --mail-http-port "$MAIL_HTTP_PORT" --redis-port "$REDIS_PORT" \
  -- "--spi-realm-restapi-extension--auth--rate-limits=*.ip=1000000/1m,*.account=1000000/1m" >"$LAUNCHER_LOG" 2>&1 &
launcher_pid=$!

# ready = health says so and the launcher has printed its banner (the realm is imported by then)
launcher_ready() {
  curl -fsS -o /dev/null "http://127.0.0.1:$MGMT_PORT/health/ready" 2>/dev/null && grep -q 'app-auth is up' "$LAUNCHER_LOG"
}
stock_ready() {
  curl -fsS -o /dev/null "http://127.0.0.1:$STOCK_MGMT_PORT/health/ready" 2>/dev/null
}

# await_ready WHAT PID LOG LIMIT_SECONDS READY_FUNCTION
await_ready() {
  local t0=$SECONDS
  until "$5"; do
    if ! kill -0 "$2" 2>/dev/null; then
      log "$1 exited before it was ready:"; tail -n 40 "$3" >&2; exit 1
    fi
    if (( SECONDS - t0 > $4 )); then
      log "$1 not ready after $4 s:"; tail -n 40 "$3" >&2; exit 1
    fi
    sleep 1
  done
  log "$1 ready after $(( SECONDS - t0 )) s"
}
await_ready "Keycloak (bundle)" "$launcher_pid" "$LAUNCHER_LOG" 300 launcher_ready
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

# Stock Keycloak: the same distribution without the bundle (a hard-linked copy with an empty providers/ and its
# own build), on the bundle's database, hence the realm the launcher imported (the stock server has no
# app-auth theme or /auth; the realm's direct-grant flow and password policy are Keycloak's own).
# The realm names the bundle's password policy commonPasswords, which a server without the bundle cannot parse (it
# would refuse to start): for the run, the realm uses Keycloak's own passwordBlacklist with the same list (both
# servers are started with its directory). The stock side's password grants run Keycloak's built-in "direct grant"
# flow (Bench.ensureStockClient binds it to the stock client): the realm's "app direct grant" has the bundle's steps.
admin_token="$(curl -fsS "http://127.0.0.1:$HTTP_PORT/realms/master/protocol/openid-connect/token" \
  --data-urlencode grant_type=password --data-urlencode client_id=admin-cli --data-urlencode username=admin \
  --data-urlencode "password=$BENCH_ADMIN_PASSWORD" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
policy="$(curl -fsS -H "Authorization: Bearer $admin_token" "http://127.0.0.1:$HTTP_PORT/admin/realms/app" \
  | sed -n 's/.*"passwordPolicy":"\([^"]*\)".*/\1/p')"
stock_policy="${policy/commonPasswords/passwordBlacklist(app-auth-common-passwords.txt)}"
curl -fsS -X PUT -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
  "http://127.0.0.1:$HTTP_PORT/admin/realms/app" -d "{\"passwordPolicy\":\"$stock_policy\"}" \
  || { log "could not switch the realm's password policy for the stock server"; exit 1; }
log "realm password policy for the run: $stock_policy"
log "starting stock Keycloak $KC_VERSION without the bundle on the same database (log $STOCK_LOG)"
# (what Keycloak's build rewrites, lib/quarkus, and what it writes, data/ and conf/, are real copies, so that the
# bundle's server is never touched)
cp -al "$DIST" "$STOCK_HOME"
rm -rf "$STOCK_HOME/providers" "$STOCK_HOME/lib/quarkus" "$STOCK_HOME/data" "$STOCK_HOME/conf"
mkdir -p "$STOCK_HOME/providers"
cp -a "$DIST/conf" "$STOCK_HOME/conf"
cp -a "$DIST/lib/quarkus" "$STOCK_HOME/lib/quarkus"
kc_cmdline="$(tr '\0' '\n' <"/proc/$kc_pid/cmdline")"
db_url="$(sed -n 's/^--db-url=//p' <<<"$kc_cmdline")"
db_user="$(sed -n 's/^--db-username=//p' <<<"$kc_cmdline")"
KC_DB_PASSWORD="$(sed -n 's/^password=//p' "$DATA_DIR/db-credentials")" "$STOCK_HOME/bin/kc.sh" start \
  --http-enabled=true --hostname="http://127.0.0.1:$STOCK_HTTP_PORT" --http-host=127.0.0.1 \
  --http-port="$STOCK_HTTP_PORT" --http-management-port="$STOCK_MGMT_PORT" --health-enabled=true --metrics-enabled=true \
  --cache=local --db=postgres --db-url="$db_url" --db-username="$db_user" \
  --spi-brute-force-protector--default-brute-force-detector--allow-concurrent-requests=true \
  --spi-password-policy--password-blacklist--blacklists-path="$ROOT/realm-config/password-blacklists" \
  >"$STOCK_LOG" 2>&1 </dev/null &
stock_pid=$!
await_ready "stock Keycloak" "$stock_pid" "$STOCK_LOG" 400 stock_ready
stock_jvm=""
# kc.sh execs the JVM, so the JVM may be kc.sh's own pid
for p in "$stock_pid" $(descendants "$stock_pid"); do
  if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'io.quarkus.bootstrap.runner.QuarkusEntryPoint'; then
    stock_jvm=$p
  fi
done
if grep -q 'dev\.appauth' "$STOCK_LOG"; then
  log "WARNING: the stock server's log mentions app-auth; it must run without the bundle"
fi

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

if [ -n "${BENCH_JFR:-}" ] && [ -n "$kc_pid" ]; then
  # a CPU profile of the bundle's server over the whole load (BENCH_JFR=1; read it with jfr print or JMC)
  "$JAVA_HOME/bin/jcmd" "$kc_pid" JFR.start name=bench settings=profile filename="$OUT/bundle-$STAMP.jfr" >&2
fi
"$JAVA" -Xmx512m -cp "$OUT/classes" \
  -Dbench.baseUrl="http://127.0.0.1:$HTTP_PORT" -Dbench.stockUrl="http://127.0.0.1:$STOCK_HTTP_PORT" -Dbench.adminUser=admin \
  -Dbench.kcPid="${kc_pid:--1}" -Dbench.stockPid="${stock_jvm:--1}" -Dbench.pgPid="${pg_pid:--1}" \
  -Dbench.levels="${BENCH_LEVELS:-1,4,16}" -Dbench.slotSeconds="${BENCH_SLOT_SECONDS:-6}" \
  -Dbench.failures="${BENCH_FAILURES:-100}" -Dbench.hashFile="$HASH_FILE" -Dbench.out="$OUT/results-$STAMP" \
  Bench | tee -a "$RESULT"
if [ -n "${BENCH_JFR:-}" ] && [ -n "$kc_pid" ]; then
  "$JAVA_HOME/bin/jcmd" "$kc_pid" JFR.stop name=bench >&2 || true
fi
"$JAVA" -Djava.awt.headless=true -cp "$OUT/classes" Plot "$OUT/results-$STAMP.csv" "$HASH_FILE" "$OUT/results-$STAMP.png"
log "tables: $OUT/results-$STAMP.csv, .json; plot: $OUT/results-$STAMP.png"

{
  echo
  echo "Busiest processes over 2 s right after the run:"
  echo
  echo '```'
  busiest
  echo '```'
} | tee -a "$RESULT"
log "results in $RESULT"

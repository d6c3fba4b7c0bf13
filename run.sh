#!/usr/bin/env bash
# Starts the local stack in the foreground: embedded PostgreSQL, a mail catcher and Keycloak with the
# app-auth providers and realm. Ctrl-C stops all of it. ./run.sh --help lists the options.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
JAR=launcher/target/app-auth-launcher.jar
DEFAULT_JDK=/usr/lib/jvm/java-17-openjdk-amd64

# Keycloak 26.7 runs on Java 17 or 21: keep a JAVA_HOME that is one of those, else use Debian's 17.
java_feature() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  case "$(java_feature "$JAVA_HOME")" in
    17|21) ;;
    *) echo "run.sh: JAVA_HOME=$JAVA_HOME is not a JDK 17 or 21; using $DEFAULT_JDK" >&2
       JAVA_HOME=$DEFAULT_JDK ;;
  esac
else
  JAVA_HOME=$DEFAULT_JDK
fi
if [ ! -x "$JAVA_HOME/bin/java" ]; then
  echo "run.sh: no JDK at $JAVA_HOME; install openjdk-17-jdk or set JAVA_HOME to a JDK 17 or 21" >&2
  exit 1
fi
export JAVA_HOME

# run.sh's own flags; everything else (and all after --) goes to the launcher
build=true
info_flag=""
args=()
passthrough=false
for a in "$@"; do
  if $passthrough; then args+=("$a"); continue; fi
  case "$a" in
    --) passthrough=true; args+=("$a") ;;
    --no-build) build=false ;;
    # answered by the launcher without building, when it is built already
    --help|-h|--version|-V) info_flag=$a; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done

if [ -n "$info_flag" ] && [ -f "$JAR" ]; then
  exec "$JAVA_HOME/bin/java" -jar "$JAR" "$info_flag"
fi
if $build || [ ! -f "$JAR" ]; then
  echo "run.sh: building (mvn -q -B -DskipTests package; --no-build skips this)" >&2
  mvn -q -B -DskipTests package
fi
exec "$JAVA_HOME/bin/java" -jar "$JAR" --repo-root "$ROOT" ${args[@]+"${args[@]}"}

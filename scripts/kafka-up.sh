#!/usr/bin/env bash
# Starts (or re-uses) a single-node KRaft Kafka 3.9.1 on loopback for local development and CI, then
# creates the topics from docker/kafka/topics.json. Idempotent: running it again while the broker it
# started is alive only re-checks the topics.
#
#   bash scripts/kafka-up.sh            # then: bash scripts/kafka-down.sh [--purge]
#
# Environment:
#   KAFKA_PORT             client listener port          (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port          (default 9093)
#   KAFKA_HOME_DIR         state dir: data/, logs/, kafka.pid, generated server.properties
#                          (default <repo>/.infra/kafka)
#   KAFKA_HEAP_OPTS        JVM heap flags                 (default "-Xms256m -Xmx1g")
#   KAFKA_READY_TIMEOUT_MS how long to wait for the broker (default 90000)
#   JAVA_HOME              optional; otherwise `java` from PATH (Java 17 recommended)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_DIR="$REPO_ROOT/docker/kafka"
LIBS="$KAFKA_DIR/target/libs"
TEMPLATE="$KAFKA_DIR/server.properties"
LOG4J="$KAFKA_DIR/log4j.properties"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.infra/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
# Fixed cluster id (base64url of the 16 bytes "dscsa-local-dev1"): every checkout formats identically.
CLUSTER_ID="ZHNjc2EtbG9jYWwtZGV2MQ"

log() { printf 'kafka-up: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$KAFKA_PORT" =~ ^[0-9]+$ && "$KAFKA_CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_PORT/KAFKA_CONTROLLER_PORT must be numbers"
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

mkdir -p "$KAFKA_HOME_DIR"
KAFKA_HOME_DIR="$(cd "$KAFKA_HOME_DIR" && pwd)"
DATA_DIR="$KAFKA_HOME_DIR/data"
LOG_DIR="$KAFKA_HOME_DIR/logs"
CONFIG="$KAFKA_HOME_DIR/server.properties"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
mkdir -p "$DATA_DIR" "$LOG_DIR"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="$(command -v java || true)"; fi
[[ -n "$JAVA" ]] || die "java not found (install a JDK 17, e.g. apt-get install openjdk-17-jre-headless)"
command -v node >/dev/null || die "node not found"

# Serialise concurrent runs (two terminals, parallel CI steps) on the same state dir.
if command -v flock >/dev/null; then
  exec 9>"$KAFKA_HOME_DIR/.up.lock"
  flock -w 180 9 || die "another kafka-up.sh holds $KAFKA_HOME_DIR/.up.lock"
fi

# --- helpers ---------------------------------------------------------------------------------------
# shellcheck source=scripts/kafka-broker.sh
source "$REPO_ROOT/scripts/kafka-broker.sh"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
OUT_OFFSET=0; SERVER_LOG_OFFSET=0  # log sizes before our start, so failures show only this run's lines
size_of() { if [[ -f "$1" ]]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }
show_logs() {
  local f off
  for f in "$LOG_DIR/kafka.out" "$LOG_DIR/server.log"; do
    off=$OUT_OFFSET; [[ "$f" == */server.log ]] && off=$SERVER_LOG_OFFSET
    [[ "$(size_of "$f")" -gt "$off" ]] || continue
    log "---- last 40 lines of $f ----"
    tail -c "+$((off + 1))" "$f" | tail -n 40 >&2
  done
}
ready() { # pid port -> waits for the broker and ensures topics; prints the final "kafka ready" line
  KAFKA_PID="$1" KAFKA_BROKERS="127.0.0.1:$2" node "$REPO_ROOT/scripts/kafka-ready.js"
}
configured_port() { # client port of the generated config the running broker was started with
  sed -n 's/^advertised\.listeners=PLAINTEXT:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$CONFIG" 2>/dev/null | head -n1
}

# --- already running? ------------------------------------------------------------------------------
pid=""
if [[ -f "$PID_FILE" ]]; then
  pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
  if ! is_our_broker "$pid"; then
    log "removing stale pid file (pid ${pid:-?} is not running)"
    rm -f "$PID_FILE"; pid=""
  fi
fi
if [[ -z "$pid" ]] && pid="$(find_orphan)"; then
  log "found running broker pid $pid without pid file; adopting it"
  echo "$pid" >"$PID_FILE"
fi
if [[ -n "$pid" ]]; then
  running_port="$(configured_port)"; running_port="${running_port:-$KAFKA_PORT}"
  [[ "$running_port" == "$KAFKA_PORT" ]] || log "WARNING: broker pid $pid already runs on port $running_port (KAFKA_PORT=$KAFKA_PORT ignored; run kafka-down.sh first to change it)"
  rc=0; ready "$pid" "$running_port" || rc=$?
  if [[ $rc -ne 0 ]]; then show_logs; exit "$rc"; fi
  exit 0
fi

# --- not running from here: a broker another checkout started is reused, anything else is refused ----
if port_open "$KAFKA_PORT"; then
  log "127.0.0.1:$KAFKA_PORT is served by a process not started from $KAFKA_HOME_DIR; using it if it is Kafka (kafka-down.sh will not stop it)"
  KAFKA_READY_TIMEOUT_MS=15000 ready "" "$KAFKA_PORT" && exit 0
  die "127.0.0.1:$KAFKA_PORT is in use and does not answer as Kafka (check: ss -ltnp 'sport = :$KAFKA_PORT'); stop it or set KAFKA_PORT"
fi
for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  if port_open "$p"; then
    die "127.0.0.1:$p is already in use by a process not started from $KAFKA_HOME_DIR (check: ss -ltnp 'sport = :$p'); stop it or set KAFKA_PORT/KAFKA_CONTROLLER_PORT"
  fi
done

# --- jars -------------------------------------------------------------------------------------------
if ! compgen -G "$LIBS/*.jar" >/dev/null; then
  command -v mvn >/dev/null || die "$LIBS is empty and mvn is not installed (apt-get install maven)"
  log "fetching Kafka jars with Maven (first run only)"
  mvn -q -B -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies
  compgen -G "$LIBS/*.jar" >/dev/null || die "maven did not produce jars in $LIBS"
fi

# --- generated config -------------------------------------------------------------------------------
{
  grep -Ev '^[[:space:]]*(log\.dirs|listeners|advertised\.listeners|controller\.quorum\.voters)[[:space:]]*=' "$TEMPLATE"
  echo
  echo "# ---- generated by scripts/kafka-up.sh from docker/kafka/server.properties; do not edit ----"
  echo "log.dirs=$DATA_DIR"
  echo "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
  echo "advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT"
  echo "controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT"
} >"$CONFIG.tmp"
mv -f "$CONFIG.tmp" "$CONFIG"

JAVA_OPTS=(
  $KAFKA_HEAP_OPTS
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true
  "-Dkafka.logs.dir=$LOG_DIR"
  "-Dlog4j.configuration=file:$LOG4J"
)

# --- format storage (once; --ignore-formatted makes a repeat harmless anyway) -----------------------
if [[ ! -s "$DATA_DIR/meta.properties" ]]; then
  log "formatting $DATA_DIR (cluster id $CLUSTER_ID)"
  if ! "$JAVA" -Xmx256m "-Dkafka.logs.dir=$LOG_DIR" "-Dlog4j.configuration=file:$LOG4J" -cp "$LIBS/*" \
      kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$CONFIG" --ignore-formatted >"$LOG_DIR/format.log" 2>&1; then
    cat "$LOG_DIR/format.log" >&2
    die "storage format failed"
  fi
fi

# --- start ------------------------------------------------------------------------------------------
# setsid: the broker leaves this shell's process group, so Ctrl-C in the terminal/npm does not kill it.
# The inner shell writes its own pid (== the java pid after exec) even if setsid had to fork.
# 9>&-: the broker must not inherit the flock fd, or it would hold the lock for its whole life.
SETSID=(); command -v setsid >/dev/null && SETSID=(setsid)
rm -f "$PID_FILE"
SERVER_LOG_OFFSET="$(size_of "$LOG_DIR/server.log")"
OUT_OFFSET="$(size_of "$LOG_DIR/kafka.out")"
log "starting broker on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT), logs in $LOG_DIR"
nohup ${SETSID[@]+"${SETSID[@]}"} bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-launch "$PID_FILE" \
  "$JAVA" "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
  >>"$LOG_DIR/kafka.out" 2>&1 </dev/null 9>&- &

for _ in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
[[ -n "$pid" ]] || { show_logs; die "broker did not start (no pid written)"; }

rc=0; ready "$pid" "$KAFKA_PORT" || rc=$?
if [[ $rc -ne 0 ]]; then
  show_logs
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PID_FILE"
    die "broker died during startup"
  fi
  die "broker (pid $pid) is running but not ready; inspect the logs above or run: bash scripts/kafka-down.sh"
fi

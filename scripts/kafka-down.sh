#!/usr/bin/env bash
# Stops the local Kafka broker started by scripts/kafka-up.sh (SIGTERM, up to 30 s, then SIGKILL).
# Exits 0 when nothing is running.
#
#   bash scripts/kafka-down.sh            # stop, keep data
#   bash scripts/kafka-down.sh --purge    # stop and delete $KAFKA_HOME_DIR/data (topics, offsets, cluster metadata)
#
# Environment: KAFKA_HOME_DIR (default <repo>/.infra/kafka), KAFKA_STOP_TIMEOUT (seconds, default 30).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.infra/kafka}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "kafka-down: unknown argument: $arg (usage: kafka-down.sh [--purge])" >&2; exit 2 ;;
  esac
done

log() { printf 'kafka-down: %s\n' "$*" >&2; }

if [[ ! -d "$KAFKA_HOME_DIR" ]]; then
  log "nothing to do ($KAFKA_HOME_DIR does not exist)"
  exit 0
fi
KAFKA_HOME_DIR="$(cd "$KAFKA_HOME_DIR" && pwd)"
CONFIG="$KAFKA_HOME_DIR/server.properties"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"

# shellcheck source=scripts/kafka-broker.sh
source "$REPO_ROOT/scripts/kafka-broker.sh"

pid=""
if [[ -f "$PID_FILE" ]]; then
  pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
  # Never signal a recycled pid that now belongs to something else.
  is_our_broker "$pid" || pid=""
fi
if [[ -z "$pid" ]]; then pid="$(find_orphan || true)"; fi

if [[ -z "$pid" ]]; then
  log "kafka is not running"
else
  log "stopping broker pid $pid (SIGTERM, up to ${STOP_TIMEOUT}s)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "broker did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    log "ERROR: broker pid $pid is still alive"
    exit 1
  fi
  log "stopped"
fi
rm -f "$PID_FILE"

if [[ $PURGE -eq 1 ]]; then
  log "purging $KAFKA_HOME_DIR/data"
  rm -rf -- "$KAFKA_HOME_DIR/data"
fi
exit 0

# Sourced by kafka-up.sh and kafka-down.sh (needs $CONFIG, the generated server.properties): how to tell
# that a process is the broker this checkout started, so neither script ever signals a foreign one.

cmdline_of() { # prints the command line of a pid, empty if gone
  if [[ -r "/proc/$1/cmdline" ]]; then tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else ps -o args= -p "$1" 2>/dev/null || true; fi
}
is_our_broker() { # pid -> true when it is alive and is kafka.Kafka running our generated config
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(cmdline_of "$pid")"
  [[ "$cmd" == *"kafka.Kafka $CONFIG"* ]]
}
find_orphan() { # a broker of ours whose pid file was lost
  local pid
  command -v pgrep >/dev/null || return 1
  for pid in $(pgrep -f 'kafka\.Kafka' 2>/dev/null || true); do
    if is_our_broker "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

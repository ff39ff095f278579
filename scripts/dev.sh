#!/usr/bin/env bash
# `make dev`: the Dagster UI (`dg dev`) on the example configuration, with a sandbox beside it so
# every asset can run without real credentials. One Ctrl-C or SIGTERM stops everything it started.
# Ports: DAGSTER_PORT (default 3000) and SANDBOX_PORT (default 8765); a busy one stops it first.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
UI_PORT=${DAGSTER_PORT:-3000}
SANDBOX_PORT=${SANDBOX_PORT:-8765}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$UI_PORT" "$SANDBOX_PORT"; do
  if listening "$port"; then
    echo "make dev: port $port on 127.0.0.1 is already in use; stop what runs there, or set DAGSTER_PORT / SANDBOX_PORT" >&2
    exit 1
  fi
done

export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster_home}
mkdir -p "$DAGSTER_HOME"
# One run at a time: DuckDB allows one writer.
cat > "$DAGSTER_HOME/dagster.yaml" <<'YAML'
run_queue:
  max_concurrent_runs: 1
telemetry:
  enabled: false
YAML

# Each child in its own process group: Ctrl-C reaches this script alone, which stops the children
# (and everything they started) in order, then makes sure none is left.
set -m
children=()
stop() {
  trap - INT TERM EXIT
  local pid alive deadline=$((SECONDS + 30))
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Up to 30 s of the clock for a clean shutdown (counted in seconds, not in rounds: on a busy
  # machine a round can take far longer than its 0.2 s sleep, and the test allows the script 60 s).
  while ((SECONDS < deadline)); do
    alive=0
    for pid in "${children[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return
    sleep 0.2
  done
  echo "make dev: not stopped within 30 s; killed what was left" >&2
  for pid in "${children[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

"$BIN/threadline" sandbox serve --port "$SANDBOX_PORT" --advance-every 60 &
children+=($!)
until listening "$SANDBOX_PORT"; do
  kill -0 "${children[0]}" 2>/dev/null || { echo "make dev: the sandbox did not start" >&2; exit 1; }
  sleep 0.2
done

export THREADLINE_CONFIG=${THREADLINE_CONFIG:-examples/threadline.yaml}
export THREADLINE_SANDBOX_URL=http://127.0.0.1:$SANDBOX_PORT
echo "Dagster UI on http://127.0.0.1:$UI_PORT (sandbox at $THREADLINE_SANDBOX_URL); Ctrl-C stops both"
# Dagster maps SIGTERM onto SIGINT's handler, so if SIGINT was ignored when this script started (as
# a shell does for anything it runs in the background, and bash cannot undo), `dg dev` and all it
# starts would ignore SIGTERM too and could only be killed. SIGINT is reset before `dg dev` starts.
"$BIN/python" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
  "$BIN/dg" dev -h 127.0.0.1 -p "$UI_PORT" &
children+=($!)
wait -n

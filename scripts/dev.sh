#!/usr/bin/env bash
# `make dev`: the Dagster UI on the example configuration, with a sandbox beside it so every
# asset can run without real credentials. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${SANDBOX_PORT:-8765}
export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster_home}
mkdir -p "$DAGSTER_HOME"
# One run at a time: DuckDB allows one writer.
cat > "$DAGSTER_HOME/dagster.yaml" <<'YAML'
run_queue:
  max_concurrent_runs: 1
telemetry:
  enabled: false
YAML
set -m  # job control, so the background processes get our signals
"$BIN/threadline" sandbox serve --port "$PORT" --advance-every 60 &
SANDBOX_PID=$!
trap 'kill $SANDBOX_PID 2>/dev/null || true' EXIT
export THREADLINE_CONFIG=${THREADLINE_CONFIG:-examples/threadline.yaml}
export THREADLINE_SANDBOX_URL=http://127.0.0.1:$PORT
echo "Dagster UI on http://127.0.0.1:3000 (sandbox at $THREADLINE_SANDBOX_URL)"
"$BIN/dagster" dev -m pipelines.definitions -h 127.0.0.1 -p 3000

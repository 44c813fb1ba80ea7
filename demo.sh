#!/usr/bin/env bash
# The main job on defaults: the simulated feed, and a live per-topic view of it. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build publisher -c Release -v quiet -nologo >/dev/null
dotnet build cli -c Release -v quiet -nologo >/dev/null
dotnet publisher/bin/Release/net10.0/Telemetry.Publisher.dll --bind tcp://127.0.0.1:5556 --symbols 50 --rate 20000 \
  > "${TMPDIR:-/tmp}/telemetry-demo-publisher.log" 2>&1 &
publisher=$!
trap 'kill $publisher 2>/dev/null; wait $publisher 2>/dev/null || true' EXIT INT TERM
echo "publisher pid $publisher on tcp://127.0.0.1:5556 (log: ${TMPDIR:-/tmp}/telemetry-demo-publisher.log, metrics: http://127.0.0.1:9101/metrics)"
dotnet cli/bin/Release/net10.0/telemetry.dll stat --connect tcp://127.0.0.1:5556 --prefix md. "$@"

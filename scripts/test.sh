#!/usr/bin/env bash
# Runs every test: installs Azurite (npm ci) and ffmpeg (apt-get, when missing: the audio remux tests make
# their input with it and read their output with ffprobe), starts Azurite's Table and Blob services on free
# ports, runs `dotnet test` on the solution, stops Azurite, and prints "tests: N passed, M failed[, K skipped]".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

if [ ! -x node_modules/.bin/azurite-table ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port=$(free_port)
blob_port=$(free_port)
azurite_log="$results/azurite.log"
blob_log="$results/azurite-blob.log"
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl >"$azurite_log" 2>&1 &
azurite_pid=$!
node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$blob_port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl >"$blob_log" 2>&1 &
blob_pid=$!
cleanup() { kill "$azurite_pid" "$blob_pid" 2>/dev/null || true; wait "$azurite_pid" "$blob_pid" 2>/dev/null || true; }
trap cleanup EXIT

for service in "$port:$azurite_pid:$azurite_log" "$blob_port:$blob_pid:$blob_log"; do
  IFS=: read -r p pid log <<<"$service"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "Azurite did not start:"; cat "$log"; exit 1; fi
    sleep 0.1
  done
done
export LINECONNECTOR_TEST_AZURITE_TABLE_ENDPOINT="http://127.0.0.1:$port/devstoreaccount1"
export LINECONNECTOR_TEST_AZURITE_BLOB_ENDPOINT="http://127.0.0.1:$blob_port/devstoreaccount1"

status=0
dotnet test LineConnector.sln --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  skipped=$((skipped + $(value notExecuted)))
done

summary="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then echo "no test ran"; exit 1; fi
exit "$status"

#!/usr/bin/env bash
# Throughput of the whole pipeline in local mode: signed LINE webhooks in, through the local store's
# queue and the inbound handler, out to a destination on 127.0.0.1 that answers 200 at once.
# Usage: scripts/pipeline-throughput.sh [events] [users] [connections] [events-per-webhook]
# Prints the driver's figures (events per second from the first webhook to the last event at the
# destination, and over the second half of the events alone), the app's resident memory at the end and at its peak, what it wrote to files per event,
# and the store's file sizes.
# The store is a fresh file in a temporary folder (STORE_PATH chooses another, :memory: a store in memory that keeps
# nothing; KEEP=1 keeps the folder); the run fails if an accepted event did not arrive,
# arrived out of order for its user, or came twice with another delivery id.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-20000}
users=${2:-1000}
connections=${3:-16}
per_webhook=${4:-1}

work=$(mktemp -d)
store=${STORE_PATH:-$work/store/local.db}
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
app_port=$(free_port)
destination_port=$(free_port)
secret="pipeline-channel-secret"

dotnet build LineConnector.Functions -c Release -v quiet -nologo >/dev/null

node scripts/pipeline-driver.mjs "$destination_port" "http://127.0.0.1:$app_port" pipeline "$secret" \
  "$events" "$users" "$connections" "$per_webhook" >"$work/driver.out" 2>&1 &
driver=$!
until grep -q "destination listening" "$work/driver.out" 2>/dev/null; do kill -0 $driver 2>/dev/null || { cat "$work/driver.out"; exit 1; }; sleep 0.1; done

# No auto-messages, so that nothing goes to LINE: the figure is webhook -> queue -> handler -> destination.
env LocalStore__Path="$store" \
  Channels__pipeline__ChannelSecret="$secret" Channels__pipeline__Name="Pipeline" Channels__pipeline__Status=active \
  Channels__pipeline__TimeZone=UTC Channels__pipeline__RoutingRule=alternative \
  Channels__pipeline__WelcomeMessageEnabled=false Channels__pipeline__AwayMessageEnabled=false Channels__pipeline__CloseMessageEnabled=false \
  Channels__pipeline__Destinations__bot__Kind=bot Channels__pipeline__Destinations__bot__Transport=https-webhook \
  Channels__pipeline__Destinations__bot__WebhookUrl="http://127.0.0.1:$destination_port/line" \
  Channels__pipeline__Destinations__bot__Secret=pipeline-destination-secret \
  "Channels__pipeline__Routing__alternative-01__Destination=bot" \
  Logging__LogLevel__Default=Warning \
  dotnet LineConnector.Functions/bin/Release/net10.0/LineConnector.Functions.dll --urls "http://127.0.0.1:$app_port" >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app $driver 2>/dev/null || true; wait $app $driver 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

status=0
driver_cpu=0
while kill -0 $driver 2>/dev/null; do driver_cpu=$(cpu_seconds $driver 2>/dev/null || echo "$driver_cpu"); sleep 0.5; done
wait $driver || status=$?
echo "driver (load and destination): CPU time $driver_cpu s"
cat "$work/driver.out" | grep -v "destination listening"
kB() { awk -v k="$1" '$1 == k":" { printf "%.0f MB", $2 / 1024 }' "/proc/$app/status"; }
echo "app: $(nproc) cores; resident memory now $(kB VmRSS), peak $(kB VmHWM); CPU time $(cpu_seconds $app) s"
# Bytes and calls of write() and pwrite() since the start: the store's log and its checkpoints (sockets are written with send(), not counted).
awk -v n="$events" '$1 == "wchar:" { b = $2 } $1 == "syscw:" { c = $2 } END { printf "app writes: %.0f KB in %.1f calls per event\n", b / 1024 / n, c / n }' "/proc/$app/io"
if [ "$store" = ":memory:" ]; then echo "store: in memory (nothing kept)"
else echo "store: $(du -h "$store" | cut -f1) $(basename "$store"), $(du -h "$store-wal" 2>/dev/null | cut -f1 || echo 0) $(basename "$store")-wal"; fi
if [ "$status" -ne 0 ]; then echo "the run failed; the app's log:"; tail -50 "$work/app.log"; fi
exit "$status"

#!/usr/bin/env bash
# The fault run (issue 11): local mode with faults on both sides. Signed LINE webhooks go in; the one
# destination is a bot that answers 503 to 20% of the events and takes 5% without answering in time
# (it has the event, the connector cannot know), and replies to every event it takes through the enquiry
# API; LINE is a fake on 127.0.0.1 that answers 500 to 20% of the requests and accepts 5% without answering
# in time. Counts the events accepted (200 to the webhook), delivered to the bot (distinct), lost,
# replies sent twice to a LINE user (LINE's retry keys honoured, as LINE does), order violations (per user,
# at the bot and at LINE) and the app's peak resident memory, and prints them as a markdown table.
# Usage: scripts/fault-run.sh [events] [users] [connections]      (default 100000 events from 500 users)
# The run fails (exit 1) when anything is lost, duplicated or out of order. FAULT_SEED replays a run;
# APP_DLL runs a built LineConnector.Functions.dll instead of building Release; KEEP=1 keeps the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-100000}
users=${2:-500}
connections=${3:-16}
timeout_ms=1500

work=$(mktemp -d)
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
app_port=$(free_port)
destination_port=$(free_port)
line_port=$(free_port)
secret="fault-run-channel-secret"
bot_secret="fault-run-bot-secret"

app_dll=${APP_DLL:-}
if [ -z "$app_dll" ]; then
  dotnet build LineConnector.Functions -c Release -v quiet -nologo >/dev/null
  app_dll=LineConnector.Functions/bin/Release/net10.0/LineConnector.Functions.dll
fi

FAULT_LINE_PORT=$line_port FAULT_BOT_SECRET=$bot_secret FAULT_TIMEOUT_MS=$timeout_ms FAULT_SEED=${FAULT_SEED:-11} \
FAULT_DESTINATION_FAIL=0.20 FAULT_DESTINATION_TIMEOUT=0.05 FAULT_LINE_FAIL=0.20 FAULT_LINE_TIMEOUT=0.05 \
  node scripts/pipeline-driver.mjs "$destination_port" "http://127.0.0.1:$app_port" faults "$secret" \
  "$events" "$users" "$connections" 1 >"$work/driver.out" 2>&1 &
driver=$!
until grep -q "destination listening" "$work/driver.out" 2>/dev/null; do kill -0 $driver 2>/dev/null || { cat "$work/driver.out"; exit 1; }; sleep 0.1; done

# Timeouts of 1 s on both sides (the faults answer after 1.5 s); missed enquiries offered again after 1 s,
# at most 5 s apart; no auto-messages, so that everything LINE gets is the bot's replies.
env LocalStore__Path="$work/store/local.db" \
  Line__ApiBaseUrl="http://127.0.0.1:$line_port/" Line__Timeout=00:00:01 Line__RetryDelay=00:00:00.050 Line__MaxRetryDelay=00:00:01 \
  Destinations__Timeout=00:00:01 LocalQueue__RetryDelay=00:00:00.200 \
  Enquiries__OfferAgainAfter=00:00:01 Enquiries__OfferAgainAtMost=00:00:05 \
  Channels__faults__ChannelSecret="$secret" Channels__faults__ChannelAccessToken=fault-run-access-token \
  Channels__faults__Name="Fault run" Channels__faults__Status=active \
  Channels__faults__TimeZone=UTC Channels__faults__RoutingRule=alternative \
  Channels__faults__WelcomeMessageEnabled=false Channels__faults__AwayMessageEnabled=false Channels__faults__CloseMessageEnabled=false \
  Channels__faults__Destinations__bot__Kind=bot Channels__faults__Destinations__bot__Transport=https-webhook \
  Channels__faults__Destinations__bot__WebhookUrl="http://127.0.0.1:$destination_port/line" \
  Channels__faults__Destinations__bot__Secret="$bot_secret" \
  "Channels__faults__Routing__alternative-01__Destination=bot" \
  Logging__LogLevel__Default=Warning \
  dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app $driver 2>/dev/null || true; wait $app $driver 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

status=0
wait $driver || status=$?
peak=$(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$app/status")
figures=$(grep '^{' "$work/driver.out" || true)
if [ -z "$figures" ]; then cat "$work/driver.out"; tail -50 "$work/app.log"; exit 1; fi
poisoned=$(grep -c "is rejected and completed\|Dead-lettered message" "$work/app.log" || true)

node -e '
const f = JSON.parse(process.argv[1]);
const [peak, poisoned, cores] = process.argv.slice(2);
const n = x => Number(x).toLocaleString("en-US");
console.log(`fault run: ${n(f.events)} events from ${process.argv[5]} users, ${cores} cores, ${f.seconds} s; bot 20% 503 + 5% timeout, LINE 20% 500 + 5% timeout`);
console.log("| figure | value |");
console.log("| --- | --- |");
const rows = [
  ["events accepted (200 to the webhook)", n(f.accepted)],
  ["delivered to the bot (distinct)", n(f.delivered)],
  ["lost (accepted, never delivered)", n(f.lost)],
  ["out of order at the bot", n(f.outOfOrder)],
  ["replies taken by the enquiry API", n(f.repliesAccepted)],
  ["replies accepted by LINE (distinct)", n(f.lineDistinct)],
  ["replies lost (taken, neither at LINE nor reported uncertain)", n(f.lineLost)],
  ["replies reported uncertain that LINE had not taken", n(f.uncertainNotSent)],
  ["duplicates to LINE users", n(f.lineDuplicates)],
  ["out of order at LINE", n(f.lineOutOfOrder)],
  ["reported to the bot: delivered / uncertain / failed", `${n(f.reports.delivered)} / ${n(f.reports.uncertain)} / ${n(f.reports.failed)}`],
  ["faults injected: bot / LINE", `${n(f.destinationFaults)} / ${n(f.line.faults)}`],
  ["poisoned users (rejected or dead-lettered messages)", n(poisoned)],
  ["peak resident memory of the app", `${peak} MB`],
];
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
' "$figures" "$peak" "$poisoned" "$(nproc)" "$users"
if [ "$status" -ne 0 ] || [ "$poisoned" -ne 0 ]; then echo "the run failed: $figures"; echo "the app's log:"; tail -50 "$work/app.log"; exit 1; fi

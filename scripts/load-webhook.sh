#!/usr/bin/env bash
# Load test of the webhook path in local mode: signed LINE webhooks posted by wrk on loopback.
# Usage: scripts/load-webhook.sh [seconds] [connections] [body-bytes]
# Needs wrk (Debian package 'wrk'). Prints wrk's latency distribution (p50/p75/p90/p99).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-16}
bytes=${3:-1024}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }

work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
secret="load-test-channel-secret"

dotnet build LineConnector.Functions -c Release -v quiet -nologo >/dev/null
dotnet build LineConnector.Cli -c Release -v quiet -nologo >/dev/null
node -e '
  const n = +process.argv[1]; const events = []; let size = 80;
  for (let i = 0; size < n; i++) {
    const text = n <= 2048 ? "あ".repeat(Math.max(1, Math.floor((n - 600) / 3))) : "Hello \\u3053\\u3093\\u306b\\u3061\\u306f, order " + i;
    const e = `{"type":"message","message":{"type":"text","id":"4687895778982${String(i).padStart(5,"0")}","quoteToken":"q","text":"${text}"},"webhookEventId":"01H810YECXQQZ37VAXPF${String(i).padStart(6,"0")}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"U4af49806290000000000000000000${i % 7}"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}`;
    events.push(e); size += Buffer.byteLength(e) + 1;
  }
  process.stdout.write(`{"destination":"U0123456789abcdef0123456789abcdef","events":[${events.join(",")}]}`);
' "$bytes" > "$work/body.json"
signature=$(dotnet LineConnector.Cli/bin/Release/net10.0/line-connector.dll sign-webhook --secret "$secret" "$work/body.json")

cat > "$work/post.lua" <<LUA
local f = io.open("$work/body.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.headers["x-line-signature"] = "$signature"
LUA

# The channel is suspended: the webhook verifies and queues every event as usual, and the
# inbound handler records them without opening enquiries, so no destination or LINE is called.
# The local store is a fresh file in the temporary folder.
env LocalStore__Path="$work/store/local.db" Channels__load__ChannelSecret="$secret" Channels__load__Name="Load test" Channels__load__Status=suspended \
  Channels__load__TimeZone=UTC Channels__load__RoutingRule=alternative \
  Channels__load__Destinations__bot__Kind=bot Channels__load__Destinations__bot__Transport=https-webhook \
  Channels__load__Destinations__bot__WebhookUrl=https://bot.invalid/line "Channels__load__Routing__alternative-01__Destination=bot" \
  Logging__LogLevel__Default=Warning \
  dotnet LineConnector.Functions/bin/Release/net10.0/LineConnector.Functions.dll --urls "http://127.0.0.1:$port" >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; kill -0 $app 2>/dev/null || { echo "the app stopped:"; cat "$work/app.log"; exit 1; }; sleep 0.1; done

url="http://127.0.0.1:$port/api/line/load"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url" -H "x-line-signature: $signature" --data-binary @"$work/body.json")
[ "$status" = 200 ] || { echo "warm-up request got HTTP $status"; cat "$work/app.log"; exit 1; }
echo "body: $(wc -c <"$work/body.json") bytes, $connections connections, ${seconds}s, 2 threads"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "$url"

#!/usr/bin/env bash
# The reply share (issue 15): how many of the messages a channel sends go by reply (free) rather than by
# push (counted against the month's quota), in a realistic local scenario. Local mode with one staff
# destination; users write turns of 1 or 2 messages; staff answer each turn through the enquiry API 10 to
# 45 s after the user's last message, with 1 or 2 messages; the welcome message is on (WELCOME=false turns it
# off). Times are scaled by SCALE (default 0.1: a minute takes 6 s), the reply token's usable age alike
# (Outbound__ReplyTokenMaxAge, 50 s unscaled). LINE is a fake on 127.0.0.1 that takes a reply token once.
# Prints what LINE accepted and what the connector's GET /api/manage/channels/{id}/usage counts.
# Usage: scripts/reply-share.sh [users] [turns]      (default 50 users, 3 turns each)
# APP_DLL runs a built LineConnector.Functions.dll instead of building Release.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-50}
turns=${2:-3}
scale=${SCALE:-0.1}
welcome=${WELCOME:-true}

work=$(mktemp -d)
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
app_port=$(free_port)
desk_port=$(free_port)
line_port=$(free_port)
secret="reply-share-channel-secret"
desk_secret="reply-share-desk-secret"
token_age=$(node -e "const s=50*$scale;const t=new Date(s*1000).toISOString().substr(11,12);console.log(t)")

app_dll=${APP_DLL:-}
if [ -z "$app_dll" ]; then
  dotnet build LineConnector.Functions -c Release -v quiet -nologo >/dev/null
  app_dll=LineConnector.Functions/bin/Release/net10.0/LineConnector.Functions.dll
fi

env LocalStore__Path="$work/store/local.db" \
  Line__ApiBaseUrl="http://127.0.0.1:$line_port/" Outbound__ReplyTokenMaxAge="$token_age" \
  Channels__share__ChannelSecret="$secret" Channels__share__ChannelAccessToken=reply-share-access-token \
  Channels__share__Name="Reply share" Channels__share__Status=active \
  Channels__share__TimeZone=UTC Channels__share__RoutingRule=alternative \
  Channels__share__WelcomeMessageEnabled="$welcome" Channels__share__AwayMessageEnabled=false Channels__share__CloseMessageEnabled=false \
  Channels__share__Destinations__desk__Kind=staff Channels__share__Destinations__desk__Transport=https-webhook \
  Channels__share__Destinations__desk__WebhookUrl="http://127.0.0.1:$desk_port/desk" \
  Channels__share__Destinations__desk__Secret="$desk_secret" \
  "Channels__share__Routing__alternative-01__Destination=desk" \
  Logging__LogLevel__Default=Warning \
  dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$app_port/api/health" >/dev/null 2>&1; then break; fi
  kill -0 $app 2>/dev/null || { cat "$work/app.log"; exit 1; }
  sleep 0.1
done

figures=$(node scripts/reply-share-driver.mjs "$line_port" "$desk_port" "http://127.0.0.1:$app_port" share "$secret" "$desk_secret" "$users" "$turns" "$scale" | grep '^{')
node -e '
const f = JSON.parse(process.argv[1]);
const pct = x => (100 * x).toFixed(1) + "%";
const lineTotal = f.line.replyMessages + f.line.pushMessages;
console.log(`reply share: ${f.users} users x ${f.turns} turns, ${f.staffReplies} staff replies, welcome ${process.argv[2]}, time x${f.scale}, ${f.seconds} s`);
console.log("| figure | value |");
console.log("| --- | --- |");
console.log(`| messages LINE accepted by reply / by push | ${f.line.replyMessages} / ${f.line.pushMessages} |`);
console.log(`| reply share at LINE | ${pct(f.line.replyMessages / lineTotal)} |`);
console.log(`| the connector counts (usage API): reply / push messages | ${f.usage.reply.messages} / ${f.usage.push.messages} |`);
console.log(`| reply share (usage API) | ${pct(f.usage.replyShare)} |`);
' "$figures" "$welcome"

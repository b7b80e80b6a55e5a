// Drives local mode end to end for scripts/pipeline-throughput.sh: serves a destination on 127.0.0.1
// that answers 200 at once and records what it receives, posts signed LINE webhooks to the app
// (each user's events one after another, users spread over the connections), waits until the
// destination has every event answered 200, and prints JSON figures.
// Usage: node scripts/pipeline-driver.mjs <destination-port> <app-url> <channel-id> <secret> <events> <users> <connections> <events-per-webhook>
import { createHmac } from "node:crypto";
import http from "node:http";

const [destinationPort, appUrl, channelId, secret] = process.argv.slice(2, 6);
const [events, users, connections, perWebhook] = process.argv.slice(6, 10).map(Number);
const received = new Map(); // webhookEventId -> delivery id
const order = new Map(); // user -> sequence numbers as received
let repeats = 0, conflicting = 0, lastArrival = 0;

const destination = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", c => chunks.push(c));
  request.on("end", () => {
    const message = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (message.kind === "event") {
      const id = message.event.webhookEventId;
      const deliveryId = request.headers["x-connector-delivery-id"];
      if (received.has(id)) {
        repeats++;
        if (received.get(id) !== deliveryId) conflicting++;
      } else {
        received.set(id, deliveryId);
        const user = message.event.source.userId;
        if (!order.has(user)) order.set(user, []);
        order.get(user).push(Number(message.event.message.text));
      }
      lastArrival = performance.now();
    }
    response.writeHead(200).end();
  });
});
await new Promise(resolve => destination.listen(Number(destinationPort), "127.0.0.1", resolve));
process.stdout.write("destination listening\n");

const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
function post(body) {
  const signature = createHmac("sha256", secret).update(body).digest("base64");
  return new Promise((resolve, reject) => {
    const request = http.request(`${appUrl}/api/line/${channelId}`, {
      method: "POST", agent,
      headers: { "content-type": "application/json", "x-line-signature": signature, "content-length": Buffer.byteLength(body) },
    }, response => { response.resume(); response.on("end", () => resolve(response.statusCode)); });
    request.on("error", reject);
    request.end(body);
  });
}

// Wait for the app.
for (let i = 0; ; i++) {
  try { if (await post('{"destination":"U0123456789abcdef0123456789abcdef","events":[]}') === 200) break; } catch { }
  if (i > 600) { console.error("the app did not answer"); process.exit(1); }
  await new Promise(r => setTimeout(r, 100));
}

const userId = u => "U" + u.toString(16).padStart(32, "0");
const sent = new Map(); // user -> next sequence number
let next = 0, accepted = 0, refused = 0;
function event(u) {
  const n = sent.get(u) ?? 0; sent.set(u, n + 1);
  const id = "01" + String(next).padStart(24, "0"); const messageId = String(4_000_000_000_000 + next); next++;
  return `{"type":"message","mode":"active","timestamp":${Date.now()},"source":{"type":"user","userId":"${userId(u)}"},"webhookEventId":"${id}","deliveryContext":{"isRedelivery":false},"replyToken":"r${id}","message":{"type":"text","id":"${messageId}","quoteToken":"q","text":"${n}"}}`;
}

const started = performance.now();
async function worker(w) {
  // This connection's users, in turn; a webhook carries events of one user, sent after the previous answer.
  const mine = [];
  for (let u = w; u < users; u += connections) mine.push(u);
  let turn = 0;
  while (next < events && mine.length > 0) {
    const u = mine[turn++ % mine.length];
    const batch = [];
    for (let i = 0; i < perWebhook && next < events; i++) batch.push(event(u));
    const status = await post(`{"destination":"U0123456789abcdef0123456789abcdef","events":[${batch.join(",")}]}`);
    if (status === 200) accepted += batch.length; else refused += batch.length;
  }
}
await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
const postedAt = performance.now();

const deadline = Date.now() + 600_000;
while (received.size < accepted && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
let outOfOrder = 0;
for (const sequence of order.values()) for (let i = 1; i < sequence.length; i++) if (sequence[i] < sequence[i - 1]) outOfOrder++;
const seconds = (lastArrival - started) / 1000;
console.log(JSON.stringify({
  events: next, accepted, refused, delivered: received.size, repeats, conflictingDeliveryIds: conflicting, outOfOrder,
  postSeconds: +((postedAt - started) / 1000).toFixed(2), seconds: +seconds.toFixed(2), eventsPerSecond: Math.round(received.size / seconds),
}));
destination.close(); agent.destroy();
process.exit(received.size === accepted && outOfOrder === 0 && conflicting === 0 && refused === 0 ? 0 : 1);

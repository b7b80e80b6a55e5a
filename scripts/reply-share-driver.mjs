// Drives the reply-share scenario for scripts/reply-share.sh: a fake LINE on 127.0.0.1 (a reply token works
// once, as on LINE; pushes always) and a staff desk that answers each user's turn through the enquiry API.
// Each user writes TURNS turns of 1 or 2 messages (the second 2 s after the first); staff answer 10 to 45 s
// after the user's last message with 1 or 2 messages in one call; the user writes again 20 to 60 s later.
// Times are multiplied by SCALE (the app's reply token age is scaled alike). Prints the figures as JSON.
// Usage: node scripts/reply-share-driver.mjs <line-port> <desk-port> <app-url> <channel> <secret> <desk-secret> <users> <turns> <scale>
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";

const [linePort, deskPort, appUrl, channel, secret, deskSecret] = process.argv.slice(2, 8);
const [users, turns, scale] = process.argv.slice(8, 11).map(Number);
let seed = 15;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (low, high) => low + random() * (high - low);
const sleep = seconds => new Promise(r => setTimeout(r, seconds * 1000 * scale));
const readBody = request => new Promise(resolve => { const c = []; request.on("data", d => c.push(d)); request.on("end", () => resolve(Buffer.concat(c).toString("utf8"))); });

// Fake LINE: what it accepted, by method.
const usedTokens = new Set();
const line = { replyMessages: 0, pushMessages: 0, refusedTokens: 0 };
http.createServer(async (request, response) => {
  const body = await readBody(request);
  const json = body ? JSON.parse(body) : {};
  const send = (status, answer) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
  const sent = () => ({ sentMessages: json.messages.map(() => ({ id: randomUUID() })) });
  if (request.url.endsWith("/v2/bot/message/reply")) {
    if (usedTokens.has(json.replyToken)) { line.refusedTokens++; return send(400, { message: "Invalid reply token" }); }
    usedTokens.add(json.replyToken);
    line.replyMessages += json.messages.length;
    return send(200, sent());
  }
  if (request.url.endsWith("/v2/bot/message/push")) { line.pushMessages += json.messages.length; return send(200, sent()); }
  if (request.url.endsWith("/v2/bot/message/quota")) return send(200, { type: "limited", value: 5000 });
  if (request.url.endsWith("/v2/bot/message/quota/consumption")) return send(200, { totalUsage: line.pushMessages });
  send(404, { message: "Not found" });
}).listen(Number(linePort), "127.0.0.1");

// The staff desk: takes events, remembers each user's enquiry.
const enquiries = new Map();
const waiting = new Map();
http.createServer(async (request, response) => {
  const message = JSON.parse(await readBody(request));
  if (message.kind === "event" && message.event?.source?.userId) {
    const user = message.event.source.userId;
    enquiries.set(user, message.enquiry.id);
    waiting.get(user)?.();
  }
  response.writeHead(200).end();
}).listen(Number(deskPort), "127.0.0.1", () => console.log("desk listening"));

async function post(user, text) {
  const event = { type: "message", mode: "active", timestamp: Date.now(), webhookEventId: randomUUID().replaceAll("-", "").toUpperCase().slice(0, 26),
    deliveryContext: { isRedelivery: false }, source: { type: "user", userId: user }, replyToken: randomUUID().replaceAll("-", ""),
    message: { type: "text", id: String(Math.floor(random() * 1e15)), quoteToken: "q", text } };
  const body = JSON.stringify({ destination: "U0123456789abcdef0123456789abcdef", events: [event] });
  const signature = createHmac("sha256", secret).update(body).digest("base64");
  const answer = await fetch(`${appUrl}/api/line/${channel}`, { method: "POST", headers: { "content-type": "application/json", "x-line-signature": signature }, body });
  if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}`);
}

async function forwarded(user) {
  if (!enquiries.has(user)) await new Promise(resolve => waiting.set(user, resolve));
  return enquiries.get(user);
}

let staffReplies = 0;
async function conversation(n) {
  const user = "U" + n.toString(16).padStart(32, "0");
  await sleep(between(0, 30));
  for (let turn = 0; turn < turns; turn++) {
    await post(user, `question ${turn}`);
    if (random() < 0.5) { await sleep(2); await post(user, `more about ${turn}`); }
    const enquiry = await forwarded(user);
    await sleep(between(10, 45));
    const messages = Array.from({ length: random() < 0.5 ? 1 : 2 }, (_, i) => ({ type: "text", text: `answer ${turn}.${i}` }));
    const reply = await fetch(`${appUrl}/api/enquiries/${enquiry}/messages`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${deskSecret}` },
      body: JSON.stringify({ staff: { id: "aiko", firstName: "Aiko" }, messages }) });
    if (reply.status !== 202) throw new Error(`the reply was answered ${reply.status}: ${await reply.text()}`);
    staffReplies++;
    if (turn < turns - 1) await sleep(between(20, 60));
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: users }, (_, i) => conversation(i + 1)));
// Until what LINE accepted stops changing for 3 s: the last replies have gone out.
let last = -1;
while (line.replyMessages + line.pushMessages !== last) {
  last = line.replyMessages + line.pushMessages;
  await new Promise(r => setTimeout(r, 3000));
}
const usage = await (await fetch(`${appUrl}/api/manage/channels/${channel}/usage`)).json();
console.log(JSON.stringify({ users, turns, scale, staffReplies, seconds: Math.round((Date.now() - started) / 1000), line, usage }));
process.exit(0);

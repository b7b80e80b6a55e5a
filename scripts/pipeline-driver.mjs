// Drives local mode end to end for scripts/pipeline-throughput.sh and scripts/fault-run.sh: serves a
// destination on 127.0.0.1 that records what it receives, posts signed LINE webhooks to the app (each
// user's events one after another, users spread over the connections), waits until the destination has
// every accepted event, and prints JSON figures.
// Usage: node scripts/pipeline-driver.mjs <destination-port> <app-url> <channel-id> <secret> <events> <users> <connections> <events-per-webhook>
// Fault mode (FAULT_LINE_PORT set): the destination is a bot that replies to each event it takes through
// the enquiry API (bearer FAULT_BOT_SECRET), and a fake LINE on FAULT_LINE_PORT accepts replies (a reply
// token once) and pushes (a retry key once, 409 after, as LINE does), records what it accepted, and
// fails as told. FAULT_DESTINATION_FAIL / FAULT_DESTINATION_TIMEOUT and FAULT_LINE_FAIL / FAULT_LINE_TIMEOUT
// are the shares of requests answered 503 (LINE: 500) and answered only after FAULT_TIMEOUT_MS (the bot
// took the event, LINE accepted the messages: the connector cannot know). FAULT_SEED makes it repeatable.
import { createHmac } from "node:crypto";
import http from "node:http";

const [destinationPort, appUrl, channelId, secret] = process.argv.slice(2, 6);
const [events, users, connections, perWebhook] = process.argv.slice(6, 10).map(Number);
const env = process.env;
const linePort = env.FAULT_LINE_PORT ? Number(env.FAULT_LINE_PORT) : null;
const share = name => Number(env[name] ?? 0);
const destinationFail = share("FAULT_DESTINATION_FAIL"), destinationTimeout = share("FAULT_DESTINATION_TIMEOUT");
const lineFail = share("FAULT_LINE_FAIL"), lineTimeout = share("FAULT_LINE_TIMEOUT");
const timeoutMs = Number(env.FAULT_TIMEOUT_MS ?? 2000);
const botSecret = env.FAULT_BOT_SECRET ?? "";

// A seeded generator (mulberry32), so that a run's faults can be replayed.
let seed = Number(env.FAULT_SEED ?? 1) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
/** "fail", "timeout" or "ok", by the shares given. */
const fate = (fail, timeout) => { const r = random(); return r < fail ? "fail" : r < fail + timeout ? "timeout" : "ok"; };
const sleep = ms => new Promise(r => setTimeout(r, ms));
function readBody(request) {
  return new Promise(resolve => { const chunks = []; request.on("data", c => chunks.push(c)); request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8"))); });
}

const received = new Map(); // webhookEventId -> delivery id
const halfway = Math.ceil(events / 2); // the second half's rate is counted from this event's arrival
const order = new Map(); // user -> sequence numbers as received
let repeats = 0, conflicting = 0, lastArrival = 0, halfwayArrival = 0, destinationFaults = 0;
const deliveries = { delivered: 0, failed: 0, uncertain: 0 }; // the connector's reports of the bot's replies
const reported = new Set(); // their ids: a report sent again is counted once
const replyTexts = new Map(); // outbound id (the enquiry API's answer) -> the reply's text
const uncertainTexts = new Set(); // texts of the replies reported uncertain
const replies = { accepted: 0, refused: 0 }; // the enquiry API's answers to the bot
const repliesPending = new Map(); // user -> promise chain of the bot's replies, in the order it took the events

const destination = http.createServer(async (request, response) => {
  const message = JSON.parse(await readBody(request));
  if (message.kind === "delivery" && linePort !== null && !reported.has(message.id)) {
    reported.add(message.id);
    deliveries[message.delivery.status] = (deliveries[message.delivery.status] ?? 0) + 1;
    if (message.delivery.status === "uncertain") uncertainTexts.add(message.delivery.outboundId);
  }

  if (message.kind !== "event") {
    response.writeHead(200).end();
    return;
  }

  const what = linePort === null ? "ok" : fate(destinationFail, destinationTimeout);
  if (what === "fail") {
    destinationFaults++;
    response.writeHead(503).end();
    return;
  }

  const id = message.event.webhookEventId;
  const deliveryId = request.headers["x-connector-delivery-id"];
  if (received.has(id)) {
    repeats++;
    if (received.get(id) !== deliveryId) conflicting++;
  } else {
    received.set(id, deliveryId);
    const user = message.event.source.userId;
    const n = Number(message.event.message.text);
    if (!order.has(user)) order.set(user, []);
    order.get(user).push(n);
    if (received.size === halfway) halfwayArrival = performance.now();
    if (linePort !== null) {
      const previous = repliesPending.get(user) ?? Promise.resolve();
      repliesPending.set(user, previous.then(() => reply(message.enquiry.id, id, `${user}:${n}`)));
    }
  }

  lastArrival = performance.now();
  if (what === "timeout") {
    destinationFaults++;
    await sleep(timeoutMs);
  }

  response.writeHead(200).end();
});
await new Promise(resolve => destination.listen(Number(destinationPort), "127.0.0.1", resolve));

const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
/** POSTs JSON; resolves with the status and the answer's body. */
function exchange(url, headers, body) {
  return new Promise((resolve, reject) => {
    const sent = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } },
      response => { const chunks = []; response.on("data", c => chunks.push(c)); response.on("end", () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString("utf8") })); });
    sent.on("error", reject);
    sent.end(body);
  });
}
const request = (url, headers, body) => exchange(url, headers, body).then(answer => answer.status);

/** The bot's answer to one event, as a bot would send it: retried (with the same Idempotency-Key) until the API takes it. */
async function reply(enquiryId, eventId, text) {
  const body = JSON.stringify({ staff: { id: "bot" }, messages: [{ type: "text", text }] });
  for (let attempt = 0; attempt < 20; attempt++) {
    let status = 0, answer = "";
    try { ({ status, body: answer } = await exchange(`${appUrl}/api/enquiries/${encodeURIComponent(enquiryId)}/messages`, { authorization: `Bearer ${botSecret}`, "idempotency-key": eventId }, body)); } catch { }
    if (status >= 200 && status < 300) { replies.accepted++; replyTexts.set(JSON.parse(answer).outboundId, text); return; }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) break;
    await sleep(200 * (attempt + 1));
  }

  replies.refused++;
}

// The fake LINE: what it accepted, per user, in order; reply tokens used; retry keys accepted.
const line = new Map(); // user -> texts in the order LINE accepted them
const usedReplyTokens = new Set();
const acceptedRetryKeys = new Map(); // retry key -> request id
const lineRequests = { reply: 0, push: 0, faults: 0, invalidReplyToken: 0, retryKeyRepeats: 0 };
let lineRequestIds = 0;
function accept(user, messages) {
  if (!line.has(user)) line.set(user, []);
  line.get(user).push(...messages.map(m => m.text));
}

const fakeLine = linePort === null ? null : http.createServer(async (request, response) => {
  const body = await readBody(request);
  const answer = async (status, json, headers = {}) => {
    response.writeHead(status, { "content-type": "application/json", "x-line-request-id": `req-${++lineRequestIds}`, ...headers }).end(JSON.stringify(json));
  };
  const path = request.url.split("?")[0];
  if (path !== "/v2/bot/message/reply" && path !== "/v2/bot/message/push") {
    await answer(404, { message: "Not found" });
    return;
  }

  const what = fate(lineFail, lineTimeout);
  if (what === "fail") {
    lineRequests.faults++;
    await answer(500, { message: "Internal server error" });
    return;
  }

  const sent = JSON.parse(body);
  if (path === "/v2/bot/message/reply") {
    lineRequests.reply++;
    // The driver's reply tokens are "r" + the event id, the event's user is in the reply's text.
    if (usedReplyTokens.has(sent.replyToken) || !String(sent.replyToken).startsWith("r")) {
      lineRequests.invalidReplyToken++;
      await answer(400, { message: "Invalid reply token" });
      return;
    }

    usedReplyTokens.add(sent.replyToken);
    accept(sent.messages[0].text.split(":")[0], sent.messages);
  } else {
    lineRequests.push++;
    const key = request.headers["x-line-retry-key"];
    if (key && acceptedRetryKeys.has(key)) {
      lineRequests.retryKeyRepeats++;
      await answer(409, { message: "The retry key is already accepted", sentMessages: sent.messages.map((_, i) => ({ id: `${key}-${i}` })) },
        { "x-line-accepted-request-id": acceptedRetryKeys.get(key) });
      return;
    }

    if (key) acceptedRetryKeys.set(key, `req-${lineRequestIds + 1}`);
    accept(sent.to, sent.messages);
  }

  if (what === "timeout") {
    lineRequests.faults++;
    await sleep(timeoutMs);
  }

  await answer(200, { sentMessages: sent.messages.map((_, i) => ({ id: `m${lineRequestIds}-${i}`, quoteToken: "q" })) });
});
if (fakeLine) await new Promise(resolve => fakeLine.listen(linePort, "127.0.0.1", resolve));
process.stdout.write("destination listening\n");

function post(body) {
  const signature = createHmac("sha256", secret).update(body).digest("base64");
  return request(`${appUrl}/api/line/${channelId}`, { "x-line-signature": signature }, body);
}

// Wait for the app.
for (let i = 0; ; i++) {
  try { if (await post('{"destination":"U0123456789abcdef0123456789abcdef","events":[]}') === 200) break; } catch { }
  if (i > 600) { console.error("the app did not answer"); process.exit(1); }
  await sleep(100);
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

const waitSeconds = Number(env.DRIVER_WAIT_SECONDS ?? 600);
const deadline = Date.now() + waitSeconds * 1000;
const lineCount = () => { let n = 0; for (const texts of line.values()) n += texts.length; return n; };
const settled = () => received.size >= accepted && (linePort === null || (replies.accepted + replies.refused >= received.size && reported.size >= replies.accepted));
while (!settled() && Date.now() < deadline) await sleep(20);
if (linePort !== null) await Promise.all(repliesPending.values());

let outOfOrder = 0;
for (const sequence of order.values()) for (let i = 1; i < sequence.length; i++) if (sequence[i] < sequence[i - 1]) outOfOrder++;
const seconds = (lastArrival - started) / 1000;
const figures = {
  events: next, accepted, refused, delivered: received.size, lost: accepted - received.size, repeats, conflictingDeliveryIds: conflicting, outOfOrder,
  postSeconds: +((postedAt - started) / 1000).toFixed(2), seconds: +seconds.toFixed(2), eventsPerSecond: Math.round(received.size / seconds),
  // The second half of the events alone: the rate past the app's first seconds, when the JIT compiler is still at work (README, "Performance").
  secondHalfEventsPerSecond: halfwayArrival > 0 && lastArrival > halfwayArrival ? Math.round((received.size - halfway) / ((lastArrival - halfwayArrival) / 1000)) : null,
};
if (received.size < accepted) {
  // Which events are lost, to find them in the app's log and its store.
  const lostIds = [];
  for (let i = 0; i < next && lostIds.length < 10; i++) { const id = "01" + String(i).padStart(24, "0"); if (!received.has(id)) lostIds.push(id); }
  figures.lostIds = lostIds;
}
let failed = received.size !== accepted || outOfOrder !== 0 || conflicting !== 0 || refused !== 0;
if (linePort !== null) {
  // At LINE, per user: a text accepted twice is a duplicate, a number lower than the one before an order violation,
  // and a reply the enquiry API took that LINE never accepted is lost.
  // A reply reported uncertain may be missing at LINE: the bot was told, and may send it again.
  let lineDuplicates = 0, lineOutOfOrder = 0, lineDistinct = 0;
  const atLine = new Set();
  for (const texts of line.values()) {
    const seen = new Set();
    texts.forEach(t => atLine.add(t));
    let last = -1;
    for (const text of texts) {
      if (seen.has(text)) { lineDuplicates++; continue; }
      seen.add(text); lineDistinct++;
      const n = Number(text.split(":")[1]);
      if (n < last) lineOutOfOrder++;
      last = n;
    }
  }

  let lineLost = 0, uncertainNotSent = 0;
  for (const [outboundId, text] of replyTexts) if (!atLine.has(text)) { if (uncertainTexts.has(outboundId)) uncertainNotSent++; else lineLost++; }
  Object.assign(figures, {
    destinationFaults, repliesAccepted: replies.accepted, repliesRefused: replies.refused, reports: deliveries,
    lineAccepted: lineCount(), lineDistinct, lineLost, uncertainNotSent, lineDuplicates, lineOutOfOrder, line: lineRequests,
    seconds: +((performance.now() - started) / 1000).toFixed(2),
  });
  failed ||= replies.refused !== 0 || lineLost !== 0 || lineDuplicates !== 0 || lineOutOfOrder !== 0;
}

console.log(JSON.stringify(figures));
destination.close(); fakeLine?.close(); agent.destroy();
process.exit(failed ? 1 : 0);

// The LINE playground (local mode): act as LINE users. Each action becomes a signed webhook the connector
// receives as from LINE; what the bot sends (reply or push) reaches the stand-in for LINE's API and shows here.
import { playground, channels } from './api.js';
import { el, field, channelPicker, toast, showError } from './ui.js';

const STICKERS = [['446', '1988', 'OK'], ['446', '1989', 'Happy'], ['789', '10855', 'Thanks']];

export async function render(main, args) {
  const list = await channels();
  main.append(el('h1', {}, 'LINE playground'));
  if (!list.length) { main.append(el('p', {}, 'Create a channel first.')); return undefined; }
  const channelId = args[0] && list.some(c => c.id === args[0]) ? args[0] : list[0].id;
  let state = await playground(`channels/${encodeURIComponent(channelId)}`);
  if (!state.lineStandIn) main.append(el('p', { class: 'card' }, "LINE's API is the real one here (a channel access token is configured), so the bot's answers go to LINE, not to this page."));

  const picker = channelPicker(list, channelId, id => { location.hash = `#/playground/${encodeURIComponent(id)}`; });
  const who = field('Act as', { options: state.users.map(u => [u.id, u.name]), value: state.users[0].id });
  const where = field('Conversation', { options: [['', 'One-to-one with the account'], ...state.groups.map(g => [g.id, `Group: ${g.name}`])], value: '' });
  const chat = el('div', { class: 'chat', role: 'log', 'aria-label': 'Chat', tabindex: 0 });
  const text = field('Message', { hint: 'Enter sends.' });
  const imageInput = el('input', { type: 'file', id: 'pg-image', accept: 'image/png,image/jpeg' });
  const names = Object.fromEntries(state.users.map(u => [u.id, u.name]));
  let last = 0;

  const chatId = () => where.input.value || who.input.value;
  const act = async action => {
    try {
      const sent = await playground('actions', { method: 'POST', body: { channelId, userId: who.input.value, groupId: where.input.value || undefined, ...action } });
      if (sent.status >= 300) toast(`The connector answered the webhook with ${sent.status}.`);
      await poll();
    } catch (e) { showError(e); }
  };
  const sendText = () => { const t = text.input.value; if (!t.trim()) return; text.input.value = ''; act({ type: 'text', text: t }); };
  text.input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); sendText(); } });
  imageInput.addEventListener('change', async () => {
    const file = imageInput.files[0];
    if (!file) return;
    try {
      const image = await playground('images', { method: 'POST', raw: file, headers: { 'Content-Type': file.type } });
      await act({ type: 'image', imageId: image.id });
    } catch (e) { showError(e); }
    imageInput.value = '';
  });

  const bubble = line => {
    const c = line.content;
    if (line.direction === 'read') return el('div', { class: 'bubble sys' }, 'Read');
    if (line.direction === 'loading') return el('div', { class: 'bubble sys' }, `The account is preparing an answer (up to ${c.loadingSeconds} s)…`);
    if (line.direction === 'in') {
      const m = c.message;
      const body = !m ? `${names[line.userId] || line.userId} ${c.type === 'follow' ? 'added the account as a friend' : c.type === 'unfollow' ? 'blocked the account' : c.type}`
        : m.type === 'text' ? m.text : m.type === 'sticker' ? el('span', { class: 'sticker', role: 'img', 'aria-label': `Sticker ${m.packageId}/${m.stickerId}` }, `Sticker: ${(STICKERS.find(s => s[1] === m.stickerId) || ['', '', `${m.packageId}/${m.stickerId}`])[2]}`)
          : m.type === 'image' ? el('img', { src: '', alt: 'Image sent', 'data-image': m.id }) : `[${m.type}]`;
      return el('div', { class: m ? 'bubble in' : 'bubble sys' }, m ? el('span', { class: 'sender' }, names[line.userId] || line.userId) : null, body);
    }
    const quick = c.quickReply?.items?.filter(i => i.action?.type === 'message') || [];
    const content = c.type === 'text' ? c.text : c.type === 'sticker' ? el('span', { class: 'sticker' }, `Sticker ${c.packageId}/${c.stickerId}`) : c.type === 'image' ? el('img', { src: c.previewImageUrl, alt: 'Image from the account' }) : `[${c.type} message]`;
    return el('div', { class: 'bubble out' },
      el('span', { class: 'sender' }, c.sender?.name || 'Account', line.via ? ` · ${line.via}` : ''),
      content,
      quick.length ? el('div', { class: 'quick' }, quick.map(i => el('button', { type: 'button', onclick: () => act({ type: 'text', text: i.action.text }) }, i.action.label))) : null);
  };

  const draw = () => {
    const lines = state.lines.filter(l => l.chat === chatId());
    chat.replaceChildren(...(lines.length ? lines.map(bubble) : [el('p', { class: 'bubble sys' }, 'No messages yet.')]));
    chat.scrollTop = chat.scrollHeight;
    for (const img of chat.querySelectorAll('img[data-image]')) img.src = `/playground/images/${img.dataset.image}`;
  };
  // Lines by their sequence number: polls that overlap (the timer and an action's) add each line once.
  const seen = new Map(state.lines.map(l => [l.seq, l]));
  const poll = async () => {
    const next = await playground(`channels/${encodeURIComponent(channelId)}?after=${last}`);
    for (const line of next.lines) seen.set(line.seq, line);
    last = Math.max(last, ...next.lines.map(l => l.seq));
    state = { ...next, lines: [...seen.values()].sort((a, b) => a.seq - b.seq) };
    draw();
  };
  last = Math.max(0, ...state.lines.map(l => l.seq));
  who.input.addEventListener('change', draw);
  where.input.addEventListener('change', draw);

  main.append(el('div', { class: 'grid2' },
    el('div', {}, el('div', { class: 'card' }, picker.wrap, who.wrap, where.wrap,
      el('p', { class: 'hint' }, `Bot ${state.bot}; webhooks are signed with the channel secret and posted to /api/line/${channelId}.`)),
    el('div', { class: 'card' }, el('h2', {}, 'Friendship'), el('div', { class: 'row' },
      el('button', { type: 'button', onclick: () => act({ type: 'follow' }) }, 'Follow'),
      el('button', { type: 'button', onclick: () => act({ type: 'unfollow' }) }, 'Unfollow (block)')),
      el('p', { class: 'hint' }, 'Follow and unfollow are for the one-to-one chat.'))),
    el('div', {}, chat,
      el('div', { class: 'card' }, text.wrap,
        el('div', { class: 'row' },
          el('button', { type: 'button', class: 'primary', onclick: sendText }, 'Send'),
          ...STICKERS.map(([p, s, label]) => el('button', { type: 'button', onclick: () => act({ type: 'sticker', packageId: p, stickerId: s }), 'aria-label': `Send sticker ${label}` }, `Sticker: ${label}`)),
          el('label', { for: 'pg-image', class: 'inline' }, 'Send an image:'), imageInput)))));
  draw();
  const timer = setInterval(() => poll().catch(() => {}), 1000);
  return () => clearInterval(timer);
}

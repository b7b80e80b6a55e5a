// A channel's settings with live limits (from GET /api/manage/limits, the server's own) and a preview of
// the welcome, away and close messages with the staff name format applied (POST /api/manage/message-preview).
import { manage, manageWithEtag, getLimits, channels } from './api.js';
import { el, field, toast, showError, channelPicker } from './ui.js';

const KINDS = [['welcome', 'Welcome message', 'Sent when an enquiry opens.'], ['away', 'Away message', 'Sent only when no staff can answer.'], ['close', 'Close enquiry message', 'Sent when staff or the system close the enquiry.']];

export async function render(main, args) {
  const [limits, list] = await Promise.all([getLimits(), channels()]);
  main.append(el('h1', {}, 'Settings'));
  if (!list.length) { main.append(el('p', {}, 'Create a channel first.')); return undefined; }
  const id = args[0] && list.some(c => c.id === args[0]) ? args[0] : list[0].id;
  let { data: channel, etag } = await manageWithEtag(`channels/${encodeURIComponent(id)}`);
  const s = channel.settings;

  const picker = channelPicker(list, id, next => { location.hash = `#/settings/${encodeURIComponent(next)}`; });
  const name = field('Channel name', { value: s.name, max: limits.nameLength, name: 'name', overMessage: max => `The channel name can be up to ${max} characters.` });
  const info = field('Custom info', { value: s.customInfo, max: limits.customInfoLength, multiline: true, hint: 'Shown to staff with every enquiry: procedures, opening hours, what to check first.' });
  const zone = field('Time zone', { value: s.timeZone, hint: 'IANA time zone, e.g. Asia/Tokyo.' });
  const missed = field('Missed after (seconds)', { type: 'number', value: String(s.missedEnquiryTimeoutSeconds), hint: 'An enquiry nobody accepts within this time is missed.' });
  const format = field('Staff display name format', { options: [['none', 'No name to display'], ['first', 'Staff first name'], ['first-last', 'Staff first name + last name']], value: s.staffNameFormat });
  const staffFirst = field('Preview as staff first name', { value: 'Mika' });
  const staffLast = field('Preview as staff last name', { value: 'Sato' });
  const messages = Object.fromEntries(KINDS.map(([kind, label, hint]) => {
    const current = s.autoMessages[kind] || {};
    const enabled = el('input', { type: 'checkbox', id: `auto-${kind}`, checked: !!current.enabled });
    const text = field(`${label} text`, { value: current.text ?? limits.defaultTexts[kind], max: limits.textLength, multiline: true, hint: `${hint} ${limits.staffPlaceholder} is replaced by the staff name.` });
    const preview = el('p', { class: 'bubble', id: `preview-${kind}`, 'aria-live': 'polite' });
    return [kind, { enabled, text, preview, label }];
  }));
  const sender = el('p', { class: 'hint', id: 'preview-sender', 'aria-live': 'polite' });

  const autoMessages = () => Object.fromEntries(Object.entries(messages).map(([kind, m]) => [kind, {
    enabled: m.enabled.checked,
    // The default text is stored as "none", so that a better default later reaches this channel too.
    text: m.text.input.value === limits.defaultTexts[kind] ? undefined : m.text.input.value,
  }]));
  let pending;
  const preview = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        const answer = await manage('message-preview', { method: 'POST', body: { autoMessages: autoMessages(), staffNameFormat: format.input.value, staff: { firstName: staffFirst.input.value || ' ', lastName: staffLast.input.value } } });
        for (const [kind, m] of Object.entries(messages)) m.preview.textContent = answer.texts[kind];
        sender.textContent = answer.senderName ? `Staff replies show in LINE as "${answer.senderName}".` : answer.senderNote;
      } catch (e) { sender.textContent = e.message; }
    }, 200);
  };
  for (const input of [format.input, staffFirst.input, staffLast.input, ...Object.values(messages).map(m => m.text.input)]) input.addEventListener('input', preview);
  format.input.addEventListener('change', preview);

  const save = async () => {
    if (![name, info, ...Object.values(messages).map(m => m.text)].every(f => f.check())) { toast('Fix the fields over their limit first.'); return; }
    const settings = { ...s, name: name.input.value, customInfo: info.input.value, timeZone: zone.input.value.trim(), missedEnquiryTimeoutSeconds: Number(missed.input.value), staffNameFormat: format.input.value, autoMessages: autoMessages() };
    try {
      const saved = await manageWithEtag(`channels/${encodeURIComponent(id)}`, { method: 'PUT', body: settings, headers: { 'If-Match': etag } });
      ({ data: channel, etag } = saved);
      toast('Settings saved.');
    } catch (e) {
      showError(e, { name, customInfo: info, timeZone: zone, missedEnquiryTimeoutSeconds: missed, 'autoMessages.welcome.text': messages.welcome.text, 'autoMessages.away.text': messages.away.text, 'autoMessages.close.text': messages.close.text });
    }
  };

  main.append(
    el('div', { class: 'card' }, picker.wrap),
    el('div', { class: 'card' }, el('h2', {}, 'Channel'), name.wrap, info.wrap, el('div', { class: 'grid2' }, zone.wrap, missed.wrap)),
    el('div', { class: 'card' }, el('h2', {}, 'Auto-messages'), el('div', { class: 'grid2' }, format.wrap, el('div', {}, staffFirst.wrap, staffLast.wrap)), sender,
      ...Object.entries(messages).map(([kind, m]) => el('section', { 'aria-label': m.label },
        el('h2', {}, m.label), el('div', { class: 'row' }, m.enabled, el('label', { for: `auto-${kind}`, class: 'inline' }, `Send the ${m.label.toLowerCase()}`)),
        el('div', { class: 'grid2' }, m.text.wrap, el('div', {}, el('p', { class: 'hint' }, 'Preview'), m.preview))))),
    el('button', { type: 'button', class: 'primary', onclick: save }, 'Save settings'));
  preview();
  return () => clearTimeout(pending);
}

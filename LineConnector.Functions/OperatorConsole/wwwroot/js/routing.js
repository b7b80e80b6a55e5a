// Routing: the channel's destinations and their presence, the rule editor for the four kinds
// (alternative, percentage, time, sticky), the what-if explorer (user + time → destination and why)
// and a percentage simulation over many new enquiries. The server judges every rule on save.
import { manage, manageWithEtag, getLimits, channels } from './api.js';
import { el, field, toast, showError, channelPicker, uid } from './ui.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const KINDS = [['alternative', 'Alternative: the first available in order'], ['percentage', 'Percentage: split by weight'], ['time', 'Time: by day and hour'], ['sticky', 'Sticky: back to who served the user last']];

export async function render(main, args) {
  const [limits, list] = await Promise.all([getLimits(), channels()]);
  main.append(el('h1', {}, 'Routing'));
  if (!list.length) { main.append(el('p', {}, 'Create a channel first.')); return undefined; }
  const id = args[0] && list.some(c => c.id === args[0]) ? args[0] : list[0].id;
  let { data: channel, etag } = await manageWithEtag(`channels/${encodeURIComponent(id)}`);
  const picker = channelPicker(list, id, next => { location.hash = `#/routing/${encodeURIComponent(next)}`; });
  const destinations = channel.settings.destinations.map(d => ({ ...d }));
  const ids = () => destinations.map(d => d.id);

  // Destinations with their presence.
  const destinationCard = el('section', { class: 'card', 'aria-label': 'Destinations' });
  const drawDestinations = () => destinationCard.replaceChildren(el('h2', {}, 'Destinations'),
    el('table', { 'aria-label': 'Destinations' },
      el('thead', {}, el('tr', {}, ['Id', 'Kind', 'Webhook URL or queue', 'Presence'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, destinations.map(d => el('tr', {},
        el('td', {}, d.id), el('td', {}, d.kind), el('td', {}, d.webhookUrl || d.queueName || ''),
        el('td', {}, el('div', { class: 'row' },
          el('button', { type: 'button', onclick: () => presence(d.id, true), 'aria-label': `Mark ${d.id} available` }, 'Available'),
          el('button', { type: 'button', onclick: () => presence(d.id, false), 'aria-label': `Mark ${d.id} unavailable` }, 'Unavailable'))))))));
  const presence = async (destinationId, available) => {
    try {
      const answer = await manage(`channels/${encodeURIComponent(id)}/destinations/${encodeURIComponent(destinationId)}/presence`, { method: 'PUT', body: { available } });
      toast(`${destinationId} is now ${answer.available ? 'available' : 'unavailable'}${answer.offeredEnquiries ? `; ${answer.offeredEnquiries} missed enquiries offered again` : ''}.`);
    } catch (e) { showError(e); }
  };
  drawDestinations();

  // The rule editor.
  const editor = ruleEditor(channel.settings.routing, ids, limits, true);
  const save = async () => {
    try {
      ({ data: channel, etag } = await manageWithEtag(`channels/${encodeURIComponent(id)}`, { method: 'PUT', body: { ...channel.settings, routing: editor.value() }, headers: { 'If-Match': etag } }));
      toast('Routing saved.');
    } catch (e) { showError(e); }
  };

  // What-if explorer.
  const user = field('LINE user, group or room id', { value: 'U1a2b3c4d5e6f70819a2b3c4d5e6f7081' });
  const at = field('At (your local time; empty for now)', { type: 'datetime-local' });
  const answer = el('div', { id: 'what-if-answer', 'aria-live': 'polite' });
  const ask = async () => {
    try {
      const when = at.input.value ? `&at=${encodeURIComponent(new Date(at.input.value).toISOString())}` : '';
      const r = await manage(`channels/${encodeURIComponent(id)}/route/what-if?user=${encodeURIComponent(user.input.value.trim())}${when}`);
      // el() leaves out the parts that do not apply (null); replaceChildren would print them.
      answer.replaceChildren(el('div', {},
        el('p', {}, 'Destination: ', el('strong', { class: 'destination' }, r.destinationId || 'none (missed)'), r.staffMemberId ? ` (staff ${r.staffMemberId})` : ''),
        r.shares?.length ? el('p', {}, `A new enquiry's chances: ${r.shares.map(s => `${s.destinationId} ${s.percent}%`).join(', ')}`) : null,
        r.autoMessages.length ? el('p', {}, `Auto-messages: ${r.autoMessages.join(', ')}`) : null,
        el('ol', { class: 'explain', 'aria-label': 'Why' }, r.explanation.map(line => el('li', {}, line)))));
    } catch (e) { showError(e, { user, at }); }
  };

  // Simulation over many new enquiries.
  const count = field('New enquiries to simulate', { type: 'number', value: '1000' });
  const result = el('div', { id: 'simulation', 'aria-live': 'polite' });
  const simulate = async () => {
    try {
      const r = await manage(`channels/${encodeURIComponent(id)}/route/simulation?enquiries=${encodeURIComponent(count.input.value)}`);
      result.replaceChildren(el('div', {}, el('table', { 'aria-label': 'Simulated split' },
        el('thead', {}, el('tr', {}, ['Destination', 'Enquiries', 'Share'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, r.shares.map(s => el('tr', {}, el('td', {}, s.destinationId), el('td', {}, String(s.enquiries)),
          el('td', {}, el('div', { class: 'row' }, el('div', { class: 'bar', style: { width: `${Math.max(1, s.percent * 2)}px` } }), `${s.percent}%`)))))),
        r.unrouted ? el('p', { class: 'error' }, `${r.unrouted} would find no destination and be missed.`) : null));
    } catch (e) { showError(e, { enquiries: count }); }
  };

  main.append(el('div', { class: 'card' }, picker.wrap), destinationCard,
    el('section', { class: 'card', 'aria-label': 'Rule' }, el('h2', {}, 'Rule'), editor.node, el('button', { type: 'button', class: 'primary', onclick: save }, 'Save routing')),
    el('div', { class: 'grid2' },
      el('section', { class: 'card', 'aria-label': 'What if' }, el('h2', {}, 'What if'), user.wrap, at.wrap, el('button', { type: 'button', onclick: ask }, 'Show the destination'), answer),
      el('section', { class: 'card', 'aria-label': 'Simulation' }, el('h2', {}, 'Simulation'), count.wrap, el('button', { type: 'button', onclick: simulate }, 'Simulate'), result)));
  return undefined;
}

/** An editor of one rule; a sticky rule holds a fallback rule of the other kinds. */
function ruleEditor(rule, ids, limits, allowSticky) {
  const kinds = allowSticky ? KINDS : KINDS.filter(k => k[0] !== 'sticky');
  const kind = field(allowSticky ? 'Rule kind' : 'Fallback rule kind', { options: kinds, value: rule?.kind || 'alternative' });
  const body = el('div');
  const node = el('div', {}, kind.wrap, body);
  let state = { targets: [...(rule?.targets || [])], timeWindows: (rule?.timeWindows || []).map(w => ({ ...w, destinations: [...w.destinations] })), otherTimes: [...(rule?.otherTimes || [])] };
  let fallback;

  const destinationSelect = (label, value, onChange) => {
    const f = field(label, { options: [['', '—'], ...ids().map(d => [d, d])], value });
    f.input.addEventListener('change', () => onChange(f.input.value));
    return f.wrap;
  };
  const listEditor = (label, values, max) => el('div', {}, el('p', { class: 'hint' }, `${label} (up to ${max}, tried in order)`),
    values.map((v, i) => el('div', { class: 'row' }, destinationSelect(`${label} ${i + 1}`, v, x => { values[i] = x; }),
      el('button', { type: 'button', onclick: () => { values.splice(i, 1); draw(); }, 'aria-label': `Remove ${label} ${i + 1}` }, 'Remove'))),
    values.length < max ? el('button', { type: 'button', onclick: () => { values.push(ids()[0] || ''); draw(); } }, `Add to ${label.toLowerCase()}`) : null);

  const draw = () => {
    const k = kind.input.value;
    body.replaceChildren();
    if (k === 'alternative' || k === 'percentage') {
      state.targets.forEach((t, i) => {
        const weight = field(`Weight of target ${i + 1} (%)`, { type: 'number', value: String(t.weight ?? '') });
        weight.input.addEventListener('input', () => { t.weight = Number(weight.input.value); });
        body.append(el('div', { class: 'row' }, destinationSelect(`Target ${i + 1}`, t.destination, x => { t.destination = x; }), k === 'percentage' ? weight.wrap : null,
          el('button', { type: 'button', onclick: () => { state.targets.splice(i, 1); draw(); }, 'aria-label': `Remove target ${i + 1}` }, 'Remove')));
      });
      if (state.targets.length < limits.destinationsPerCondition) body.append(el('button', { type: 'button', onclick: () => { state.targets.push({ destination: ids()[0] || '' }); draw(); } }, 'Add target'));
    } else if (k === 'time') {
      state.timeWindows.forEach((w, i) => {
        const from = field(`Window ${i + 1} from`, { value: w.from || '09:00' });
        const to = field(`Window ${i + 1} to`, { value: w.to || '18:00' });
        from.input.addEventListener('input', () => { w.from = from.input.value; });
        to.input.addEventListener('input', () => { w.to = to.input.value; });
        w.from ??= from.input.value; w.to ??= to.input.value; w.days ??= [];
        const days = el('fieldset', {}, el('legend', {}, `Window ${i + 1} days`), DAYS.map(d => {
          const boxId = uid('day');
          const box = el('input', { type: 'checkbox', id: boxId, checked: w.days.includes(d) });
          box.addEventListener('change', () => { w.days = box.checked ? [...w.days, d] : w.days.filter(x => x !== d); });
          return el('span', { class: 'day' }, box, el('label', { for: boxId, class: 'inline' }, d));
        }));
        body.append(el('div', { class: 'card' }, days, el('div', { class: 'grid2' }, from.wrap, to.wrap), listEditor(`Window ${i + 1} destinations`, w.destinations, limits.destinationsPerCondition),
          el('button', { type: 'button', onclick: () => { state.timeWindows.splice(i, 1); draw(); } }, `Remove window ${i + 1}`)));
      });
      body.append(el('button', { type: 'button', onclick: () => { state.timeWindows.push({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00', destinations: [ids()[0] || ''] }); draw(); } }, 'Add time window'),
        listEditor('Other times', state.otherTimes, limits.destinationsPerCondition));
    } else {
      fallback ??= ruleEditor(rule?.fallback || { kind: 'alternative', targets: [] }, ids, limits, false);
      body.append(el('p', { class: 'hint' }, "A returning user goes to the destination and staff member that served them last, within the channel's sticky period, if available; otherwise:"), fallback.node);
    }
  };
  kind.input.addEventListener('change', draw);
  draw();

  const value = () => {
    const k = kind.input.value;
    if (k === 'alternative') return { kind: k, targets: state.targets.map(t => ({ destination: t.destination })) };
    if (k === 'percentage') return { kind: k, targets: state.targets.map(t => ({ destination: t.destination, weight: t.weight })) };
    if (k === 'time') return { kind: k, timeWindows: state.timeWindows, otherTimes: state.otherTimes };
    return { kind: k, fallback: fallback.value() };
  };
  return { node, value };
}

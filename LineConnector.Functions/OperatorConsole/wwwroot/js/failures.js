// Failures: outbound messages that did not end delivered, with LINE's or the policy's reasons, and the
// queues' dead letters with replay.
import { manage, channels } from './api.js';
import { el, field, channelPicker, toast, showError, confirmDialog, when } from './ui.js';

export async function render(main, args) {
  const list = await channels();
  main.append(el('h1', {}, 'Failures'));
  if (!list.length) { main.append(el('p', {}, 'Create a channel first.')); return undefined; }
  const id = args[0] && list.some(c => c.id === args[0]) ? args[0] : list[0].id;
  const picker = channelPicker(list, id, next => { location.hash = `#/failures/${encodeURIComponent(next)}`; });
  const days = field('Days', { options: [['1', 'Last day'], ['7', 'Last 7 days'], ['30', 'Last 30 days']], value: '7' });
  const deliveries = el('section', { class: 'card', 'aria-label': 'Failed deliveries' });
  const queue = field('Queue', { options: [['line-outbound', 'line-outbound (to LINE)'], ['line-inbound', 'line-inbound (from LINE)']], value: 'line-outbound' });
  const letters = el('div', { id: 'dead-letters', 'aria-live': 'polite' });

  const loadDeliveries = async () => {
    const failed = await manage(`channels/${encodeURIComponent(id)}/deliveries?days=${days.input.value}`);
    const shown = failed.deliveries.filter(d => d.status !== 'delivered');
    deliveries.replaceChildren(el('h2', {}, `Deliveries that failed (${shown.length})`),
      shown.length ? el('table', { 'aria-label': 'Failed deliveries' },
        el('thead', {}, el('tr', {}, ['When', 'Status', 'Reason', 'Enquiry', 'Recipient'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, shown.map(d => el('tr', {},
          el('td', {}, when(d.finishedAt)),
          el('td', {}, el('span', { class: `status ${d.status}` }, d.status), d.kind ? el('div', { class: 'hint' }, d.kind) : null),
          el('td', { class: 'reason' }, d.reason, d.details.length ? el('ul', {}, d.details.map(x => el('li', {}, x))) : null, d.lineStatus ? el('div', { class: 'hint' }, `LINE answered ${d.lineStatus}`) : null),
          el('td', {}, d.enquiryId || '—'),
          el('td', {}, d.recipient || '—'))))) : el('p', { class: 'hint' }, `Every message of the last ${failed.days} days was delivered.`),
      el('p', { class: 'hint' }, `${failed.deliveries.length - shown.length} delivered in the same time.`));
  };
  const loadLetters = async () => {
    const r = await manage(`dead-letters?queue=${queue.input.value}`);
    letters.replaceChildren(r.messages.length ? el('table', { 'aria-label': 'Dead letters' },
      el('thead', {}, el('tr', {}, ['Enqueued', 'Message id', 'Session', 'Deliveries', 'Reason'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, r.messages.map(m => el('tr', {}, el('td', {}, when(m.enqueuedAt)), el('td', {}, m.messageId), el('td', {}, m.sessionId), el('td', {}, String(m.deliveryCount)), el('td', {}, m.reason || '')))))
      : el('p', { class: 'hint' }, `No dead letters on ${r.queue}.`));
  };
  const replay = async () => {
    if (!(await confirmDialog(`Send every dead letter of ${queue.input.value} back to its queue?`, 'Replay'))) return;
    try {
      const r = await manage(`dead-letters/${queue.input.value}/replay`, { method: 'POST' });
      toast(`${r.messages.length} messages replayed.${r.note ? ` ${r.note}` : ''}`);
      await loadLetters();
    } catch (e) { showError(e); }
  };
  days.input.addEventListener('change', () => loadDeliveries().catch(showError));
  queue.input.addEventListener('change', () => loadLetters().catch(showError));

  main.append(el('div', { class: 'card grid2' }, picker.wrap, days.wrap), deliveries,
    el('section', { class: 'card', 'aria-label': 'Dead letters' }, el('h2', {}, 'Dead letters'),
      el('p', { class: 'hint' }, 'Queue messages the connector gave up on after their last delivery. Replaying sends them back with their ids: what took effect before takes effect once.'),
      queue.wrap, letters, el('button', { type: 'button', onclick: replay }, 'Replay dead letters')));
  await Promise.all([loadDeliveries(), loadLetters()]);
  const timer = setInterval(() => loadDeliveries().catch(() => {}), 5000);
  return () => clearInterval(timer);
}

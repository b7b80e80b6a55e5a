// Enquiries by state, missed first (they wait for someone), refreshed every few seconds, with the
// enquiry's details: who, where it went, when, and the events kept for a missed one.
import { manage, channels } from './api.js';
import { el, channelPicker, when } from './ui.js';

const STATES = ['missed', 'open', 'ongoing', 'closed'];

export async function render(main, args) {
  const list = await channels();
  main.append(el('h1', {}, 'Enquiries'));
  if (!list.length) { main.append(el('p', {}, 'Create a channel first.')); return undefined; }
  const id = args[0] && list.some(c => c.id === args[0]) ? args[0] : list[0].id;
  const picker = channelPicker(list, id, next => { location.hash = `#/enquiries/${encodeURIComponent(next)}`; });
  const lists = el('div');
  const detail = el('section', { class: 'card', 'aria-label': 'Conversation', id: 'enquiry-detail', 'aria-live': 'polite' }, el('p', { class: 'hint' }, 'Choose an enquiry to see it.'));
  main.append(el('div', { class: 'card' }, picker.wrap), el('div', { class: 'grid2' }, lists, detail));
  let selected = args[1];

  const show = enquiry => {
    selected = enquiry.id;
    detail.replaceChildren(el('h2', {}, `Enquiry ${enquiry.id} `, el('span', { class: `status ${enquiry.state}` }, enquiry.state)),
      el('dl', {}, ...[
        ['From', `${enquiry.sourceType} ${enquiry.sourceId}`],
        ['Destination', enquiry.destinationId || 'none yet'],
        ['Staff', enquiry.staffMemberId || '—'],
        ['Opened', when(enquiry.openedAt)],
        ['Accept by', when(enquiry.acceptBy)],
        ['Accepted', when(enquiry.acceptedAt)],
        ['Last activity', when(enquiry.lastActivityAt)],
        ['Closed', enquiry.closedAt ? `${when(enquiry.closedAt)} by ${enquiry.closedBy}` : '—'],
        ['Events kept for a destination', String(enquiry.keptEvents)],
        ['Next offer', when(enquiry.offerAt) || '—'],
      ].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
      el('p', { class: 'hint' }, 'The connector keeps the enquiry, not its messages; the destination holds the conversation (in local mode, the staff desk).'));
  };

  const refresh = async () => {
    const results = await Promise.all(STATES.map(state => manage(`channels/${encodeURIComponent(id)}/enquiries?state=${state}`)));
    lists.replaceChildren(...results.map(r => el('section', { class: 'card', 'aria-label': `${r.state} enquiries` },
      el('h2', {}, `${r.state[0].toUpperCase()}${r.state.slice(1)} (${r.enquiries.length})`),
      r.enquiries.length ? el('ul', {}, [...r.enquiries].reverse().slice(0, 50).map(e => el('li', {},
        el('button', { type: 'button', onclick: () => show(e), 'aria-label': `Show enquiry ${e.id} from ${e.sourceId}` }, `${when(e.lastActivityAt)} · ${e.sourceId.slice(0, 12)}… → ${e.destinationId || 'nobody'}`))))
        : el('p', { class: 'hint' }, 'None.'))));
    const current = results.flatMap(r => r.enquiries).find(e => e.id === selected);
    if (current) show(current);
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 3000);
  return () => clearInterval(timer);
}

// The built-in staff desk (local mode): a destination that receives enquiries like any other and answers
// through the enquiry API. Staff name and format show as LINE's sender name in the playground.
import { playground } from './api.js';
import { el, field, toast, showError, when } from './ui.js';

export async function render(main) {
  main.append(el('h1', {}, 'Staff desk'));
  const first = field('Your first name', { value: 'Mika' });
  const lastName = field('Your last name', { value: 'Sato' });
  const listing = el('div', { 'aria-live': 'polite' });
  main.append(el('div', { class: 'card grid2' }, first.wrap, lastName.wrap), listing);
  const drafts = {};
  let shown = '';

  const describe = entry => {
    const c = entry.content;
    if (entry.kind === 'event') {
      const m = c?.message;
      return `${c?.source?.userId ?? ''} → ${m ? (m.type === 'text' ? m.text : `[${m.type}${m.type === 'sticker' ? ` ${m.packageId}/${m.stickerId}` : ''}]`) : c?.type}`;
    }
    if (entry.kind === 'staff') return `${entry.text || 'Staff'}: ${c?.text ?? ''}`;
    return entry.text;
  };

  const draw = enquiries => {
    const key = JSON.stringify(enquiries.map(e => [e.id, e.state, e.entries.length]));
    if (key === shown) return;
    shown = key;
    const active = document.activeElement?.id;
    listing.replaceChildren(...(enquiries.length ? [] : [el('p', {}, 'No enquiry yet. Send a message in the LINE playground.')]));
    for (const enquiry of enquiries) {
      const reply = field(`Reply to enquiry ${enquiry.id}`, { multiline: true, name: `reply-${enquiry.id}` });
      reply.input.id = `reply-${enquiry.id}`;
      reply.wrap.querySelector('label').htmlFor = reply.input.id;
      reply.input.value = drafts[enquiry.id] || '';
      reply.input.addEventListener('input', () => { drafts[enquiry.id] = reply.input.value; });
      const quick = field('Quick replies (comma separated, optional)', { name: `quick-${enquiry.id}` });
      const send = async () => {
        try {
          await playground(`desk/enquiries/${encodeURIComponent(enquiry.id)}/messages`, { method: 'POST', body: {
            staffId: first.input.value.trim().toLowerCase() || 'staff', firstName: first.input.value.trim(), lastName: lastName.input.value.trim(), text: reply.input.value,
            quickReplies: quick.input.value.split(',').map(s => s.trim()).filter(Boolean) } });
          drafts[enquiry.id] = '';
          toast('Reply queued for LINE.');
          shown = '';
          await refresh();
        } catch (e) { showError(e); }
      };
      const close = async () => {
        try { await playground(`desk/enquiries/${encodeURIComponent(enquiry.id)}/close?staffId=${encodeURIComponent(first.input.value.trim().toLowerCase() || 'staff')}`, { method: 'POST' }); toast('Enquiry closed.'); shown = ''; await refresh(); } catch (e) { showError(e); }
      };
      listing.append(el('section', { class: 'card', 'aria-label': `Enquiry ${enquiry.id}` },
        el('h2', {}, `${enquiry.channelName} · enquiry ${enquiry.id} `, el('span', { class: `status ${enquiry.state}` }, enquiry.state)),
        enquiry.customInfo ? el('p', { class: 'hint' }, `Channel info: ${enquiry.customInfo}`) : null,
        el('ul', { class: 'desk-log' }, enquiry.entries.map(e => el('li', {}, el('span', { class: 'hint' }, `${when(e.at)} `), describe(e)))),
        reply.wrap, quick.wrap,
        el('div', { class: 'row' }, el('button', { type: 'button', class: 'primary', onclick: send }, 'Send reply'), el('button', { type: 'button', onclick: close }, 'Close enquiry'))));
    }
    if (active) document.getElementById(active)?.focus();
  };
  const refresh = async () => draw(await playground('desk'));
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 1000);
  return () => clearInterval(timer);
}

// Channels: the list with status, suspend / resume / delete with confirmation, and the create wizard
// in the steps of LINE's consoles (CINNOX's "Connecting LINE"): name, channel secret (Basic settings),
// access token (Messaging API), webhook URL, LINE's own auto-replies off, destination, then the check with LINE.
import { manage, getLimits, hasPlayground } from './api.js';
import { el, field, toast, confirmDialog, showError } from './ui.js';

export async function render(main, args) {
  if (args[0] === 'new') return wizard(main);
  main.append(el('h1', {}, 'Channels'));
  const list = await manage('channels');
  main.append(el('p', {}, el('a', { href: '#/channels/new', class: 'button primary' }, 'Create channel')));
  const rows = list.channels.map(c => el('tr', {},
    el('td', {}, el('strong', {}, c.name), el('div', { class: 'hint' }, c.id)),
    el('td', {}, el('span', { class: `status ${c.status}` }, c.status)),
    el('td', {}, c.botUserId || '—'),
    el('td', {}, c.status === 'deleted' ? '' : actions(c, main, args))));
  main.append(el('table', { 'aria-label': 'Channels' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Channel'), el('th', { scope: 'col' }, 'Status'), el('th', { scope: 'col' }, 'LINE bot user id'), el('th', { scope: 'col' }, 'Actions'))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 4 }, 'No channel yet.')))));
  for (const bad of list.unreadable) {
    main.append(el('div', { class: 'card error', role: 'alert' }, `Channel ${bad.id} cannot be read: ${bad.problems.join('; ')}`));
  }
}

function actions(channel, main, args) {
  const act = async (verb, question, confirmLabel) => {
    if (question && !(await confirmDialog(question, confirmLabel))) return;
    try {
      if (verb === 'delete') await manage(`channels/${encodeURIComponent(channel.id)}`, { method: 'DELETE' });
      else await manage(`channels/${encodeURIComponent(channel.id)}/${verb}`, { method: 'POST' });
      toast(`Channel ${channel.name}: ${verb === 'delete' ? 'deleted' : verb === 'suspend' ? 'suspended' : 'resumed'}.`);
      main.replaceChildren();
      await render(main, args);
    } catch (e) { showError(e); }
  };
  return el('div', { class: 'row' },
    el('a', { href: `#/settings/${encodeURIComponent(channel.id)}` }, 'Settings'),
    channel.status === 'active'
      ? el('button', { type: 'button', onclick: () => act('suspend', `Suspend ${channel.name}? LINE keeps the webhook, but no enquiry opens.`, 'Suspend'), 'aria-label': `Suspend ${channel.name}` }, 'Suspend')
      : el('button', { type: 'button', onclick: () => act('resume'), 'aria-label': `Resume ${channel.name}` }, 'Resume'),
    el('button', { type: 'button', class: 'danger', onclick: () => act('delete', `Delete ${channel.name}? This cannot be undone; its LINE account may then back another channel.`, 'Delete'), 'aria-label': `Delete ${channel.name}` }, 'Delete'));
}

async function wizard(main) {
  const limits = await getLimits();
  const local = await hasPlayground();
  main.append(el('h1', {}, 'Create a channel'));
  const steps = ['Name', 'Channel secret', 'Access token', 'Webhook URL', 'LINE auto-replies', 'Destination', 'Check with LINE'];
  const progress = el('ol', { class: 'steps', 'aria-label': 'Steps' }, steps.map(s => el('li', {}, s)));
  const panel = el('section', { class: 'card', 'aria-live': 'polite' });
  main.append(progress, panel);

  const f = {
    id: field('Channel id', { hint: '1 to 64 letters, digits, "-" and "_"; part of the webhook URL.', name: 'id' }),
    name: field('Channel name', { max: limits.nameLength, hint: 'Shown to staff with every enquiry.', name: 'name', overMessage: max => `The channel name can be up to ${max} characters.` }),
    timeZone: field('Time zone', { value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', hint: 'IANA time zone for time routing, e.g. Asia/Tokyo.' }),
    secret: field('Channel secret', { type: 'password', hint: 'LINE Developers console → your channel → Basic settings → Channel secret.' }),
    lineChannelId: field('LINE channel id (optional)', { hint: 'Basic settings → Channel ID. Needed only without a long-lived access token.' }),
    token: field('Channel access token', { type: 'password', hint: 'Messaging API tab → Channel access token (click Issue the first time). Leave empty to mint stateless tokens with the channel id.' }),
    destinationId: field('Destination id', { value: 'desk' }),
    destinationKind: field('Destination kind', { options: [['staff', 'Staff service'], ['bot', 'Bot']], value: 'staff' }),
    destinationUrl: field('Destination webhook URL', { type: 'url', hint: local ? 'Local mode: the built-in staff desk is filled in.' : 'HTTPS endpoint of your bot or agent desk.' }),
  };
  const greetingOff = el('input', { type: 'checkbox', id: 'greeting-off' });
  let step = 0;
  let bot;

  const webhookUrl = () => new URL(`/api/line/${encodeURIComponent(f.id.input.value.trim())}`, location.href).href;
  const fillDesk = () => {
    if (local && (!f.destinationUrl.input.value || f.destinationUrl.input.dataset.auto)) {
      f.destinationUrl.input.value = new URL(`/playground/desk/${encodeURIComponent(f.id.input.value.trim())}/${encodeURIComponent(f.destinationId.input.value.trim())}`, location.href).href;
      f.destinationUrl.input.dataset.auto = '1';
    }
  };

  const body = () => ({
    id: f.id.input.value.trim(),
    settings: {
      name: f.name.input.value,
      timeZone: f.timeZone.input.value.trim(),
      destinations: [{ id: f.destinationId.input.value.trim(), kind: f.destinationKind.input.value, transport: 'https-webhook', webhookUrl: f.destinationUrl.input.value.trim() }],
      routing: { kind: 'alternative', targets: [{ destination: f.destinationId.input.value.trim() }] },
    },
    credentials: {
      channelSecret: f.secret.input.value || undefined,
      channelAccessToken: f.token.input.value || undefined,
      lineChannelId: f.lineChannelId.input.value.trim() || undefined,
    },
  });

  const valid = () => {
    if (step === 0) {
      f.id.set(/^[A-Za-z0-9_-]{1,64}$/.test(f.id.input.value.trim()) ? '' : 'Required: 1 to 64 letters, digits, "-" and "_".');
      if (!f.name.input.value.trim()) f.name.set('Required: 1 to 40 characters.');
      return f.name.check() && !!f.name.input.value.trim() && !f.id.error.textContent;
    }
    if (step === 1) { f.secret.set(f.secret.input.value ? '' : 'Required: paste the channel secret.'); return !!f.secret.input.value; }
    if (step === 2) {
      const ok = f.token.input.value || f.lineChannelId.input.value.trim();
      f.token.set(ok ? '' : 'Paste an access token, or give the LINE channel id in the previous step.');
      return !!ok;
    }
    if (step === 4) return greetingOff.checked;
    if (step === 5) { f.destinationUrl.set(f.destinationUrl.input.value.trim() ? '' : 'Required.'); return !!f.destinationUrl.input.value.trim(); }
    return true;
  };

  const check = async (result) => {
    result.replaceChildren(el('p', {}, 'Asking LINE…'));
    try {
      bot = await manage('line/bot-info', { method: 'POST', body: body().credentials });
      result.replaceChildren(el('div', { class: 'bot' },
        bot.pictureUrl ? el('img', { src: bot.pictureUrl, alt: `Picture of ${bot.displayName}`, width: 64, height: 64 }) : null,
        el('div', {}, el('strong', { class: 'bot-name' }, bot.displayName), el('div', { class: 'hint' }, `${bot.basicId} · bot user id ${bot.userId}`))));
    } catch (e) {
      bot = undefined;
      result.replaceChildren(el('p', { class: 'error', role: 'alert' }, `LINE refused the credentials: ${Object.values(e.fields).flat().join(' ') || e.message}`));
    }
  };

  const draw = () => {
    [...progress.children].forEach((li, i) => (i === step ? li.setAttribute('aria-current', 'step') : li.removeAttribute('aria-current')));
    const heading = el('h2', { tabindex: -1 }, `Step ${step + 1} of ${steps.length}: ${steps[step]}`);
    const content = [];
    if (step === 0) content.push(f.id.wrap, f.name.wrap, f.timeZone.wrap);
    if (step === 1) content.push(el('p', {}, 'In the LINE Developers console, open your provider, then your Messaging API channel.'), f.secret.wrap, f.lineChannelId.wrap);
    if (step === 2) content.push(f.token.wrap);
    if (step === 3) {
      const url = webhookUrl();
      const copy = el('button', { type: 'button', onclick: async () => { await navigator.clipboard?.writeText(url).catch(() => {}); toast('Webhook URL copied.'); } }, 'Copy webhook URL');
      content.push(el('p', {}, 'Messaging API tab → Webhook settings → Edit: paste this URL, click Update, then Verify, and turn on "Use webhook".'),
        el('div', { class: 'row' }, el('code', { class: 'copy', id: 'webhook-url' }, url), copy));
    }
    if (step === 4) {
      content.push(el('p', {}, 'Messaging API tab → LINE Official Account features → Edit. In the Response settings that open: under Main settings tick Disabled for the Greeting message; under Detailed settings tick Disabled for the Auto-response. Otherwise LINE answers your customers before the connector does.'),
        el('div', { class: 'row' }, greetingOff, el('label', { for: 'greeting-off', class: 'inline' }, "I have turned off LINE's greeting message and auto-response")));
    }
    if (step === 5) { fillDesk(); content.push(el('p', {}, 'Where enquiries go first. Edit routing and add destinations later in Routing.'), f.destinationId.wrap, f.destinationKind.wrap, f.destinationUrl.wrap); }
    const result = el('div', { id: 'bot-check', 'aria-live': 'polite' });
    if (step === 6) {
      content.push(el('p', {}, 'The connector asks LINE which account these credentials belong to.'), result,
        el('button', { type: 'button', onclick: () => check(result) }, 'Check again'));
      check(result);
    }
    const back = el('button', { type: 'button', disabled: step === 0, onclick: () => { step--; draw(); } }, 'Back');
    const next = step < steps.length - 1
      ? el('button', { type: 'button', class: 'primary', onclick: () => { if (valid()) { step++; draw(); } else if (step === 4) toast("Turn off LINE's greeting and auto-response first."); } }, 'Next')
      : el('button', { type: 'button', class: 'primary', onclick: create }, 'Create channel');
    panel.replaceChildren(heading, ...content, el('div', { class: 'row actions' }, back, next));
    heading.focus();
  };

  async function create() {
    try {
      const channel = await manage('channels', { method: 'POST', body: body() });
      toast(`Channel ${channel.settings.name} created.`);
      location.hash = '#/channels';
    } catch (e) {
      const byName = { id: f.id, 'settings.name': f.name, 'settings.timeZone': f.timeZone, 'credentials.channelSecret': f.secret, 'credentials.channelAccessToken': f.token };
      const first = Object.keys(e.fields)[0] || '';
      step = first.startsWith('credentials') ? 1 : first.startsWith('settings.destinations') || first.startsWith('settings.routing') ? 5 : first ? 0 : step;
      draw();
      showError(e, byName);
    }
  }

  f.id.input.addEventListener('input', () => { if (f.destinationUrl.input.dataset.auto) f.destinationUrl.input.value = ''; });
  f.destinationUrl.input.addEventListener('input', () => delete f.destinationUrl.input.dataset.auto);
  draw();
  return undefined;
}


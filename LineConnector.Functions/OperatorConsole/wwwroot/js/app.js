// The console's shell: a hash router over the screens, each a module with render(main, args).
import { hasPlayground } from './api.js';
import { toast } from './ui.js';

const screens = {
  channels: () => import('./channels.js'),
  settings: () => import('./settings.js'),
  routing: () => import('./routing.js'),
  enquiries: () => import('./enquiries.js'),
  failures: () => import('./failures.js'),
  usage: () => import('./usage.js'),
  playground: () => import('./playground.js'),
  desk: () => import('./desk.js'),
};

let stop;

async function show() {
  const [name, ...args] = (location.hash.replace(/^#\/?/, '') || 'channels').split('/').map(decodeURIComponent);
  const load = screens[name] || screens.channels;
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${name}`);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  stop?.();
  stop = undefined;
  const main = document.getElementById('main');
  main.replaceChildren();
  try {
    const screen = await load();
    stop = await screen.render(main, args);
  } catch (e) {
    toast(e.message);
  }
}

const local = await hasPlayground();
for (const item of document.querySelectorAll('[data-local]')) item.hidden = !local;
window.addEventListener('hashchange', show);
show();

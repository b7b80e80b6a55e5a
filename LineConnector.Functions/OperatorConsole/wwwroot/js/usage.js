// Usage: enquiries per day with the missed ones, the missed rate, first-response time, and LINE requests
// by reply (free) and push (counted against the monthly quota). Charts are plain SVG.
import { manage, channels } from './api.js';
import { el, field, channelPicker } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attributes = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  node.append(...children);
  return node;
};

/** A bar chart of days with two series side by side; the title and description name it for screen readers. */
function barChart(title, days, series) {
  const width = 640; const height = 200; const left = 30; const bottom = 30;
  const max = Math.max(1, ...days.flatMap(d => series.map(s => d[s.key])));
  const slot = (width - left) / days.length;
  const bar = Math.max(2, (slot - 6) / series.length);
  const id = `chart-${title.replace(/\W+/g, '-').toLowerCase()}`;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, title),
    svg('desc', { id: `${id}-desc` }, days.map(d => `${d.date}: ${series.map(s => `${d[s.key]} ${s.label}`).join(', ')}`).join('; ')),
    svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: '#9aa3ad' }),
    svg('text', { x: 0, y: 12 }, String(max)));
  days.forEach((d, i) => {
    series.forEach((s, j) => {
      const h = ((height - bottom - 10) * d[s.key]) / max;
      chart.append(svg('rect', { x: left + i * slot + 3 + j * bar, y: height - bottom - h, width: bar - 1, height: h, fill: s.color }));
    });
    chart.append(svg('text', { x: left + i * slot + 3, y: height - 10 }, d.date.slice(5)));
  });
  const legend = el('p', { class: 'hint' }, series.map(s => `${s.legend}`).join(' · '));
  return el('figure', { class: 'chart' }, chart, el('figcaption', {}, title), legend);
}

export async function render(main, args) {
  const list = await channels();
  main.append(el('h1', {}, 'Usage'));
  if (!list.length) { main.append(el('p', {}, 'Create a channel first.')); return undefined; }
  const id = args[0] && list.some(c => c.id === args[0]) ? args[0] : list[0].id;
  const picker = channelPicker(list, id, next => { location.hash = `#/usage/${encodeURIComponent(next)}`; });
  const days = field('Days', { options: [['7', 'Last 7 days'], ['14', 'Last 14 days'], ['30', 'Last 30 days']], value: '7' });
  const body = el('div', { id: 'usage' });
  const load = async () => {
    const u = await manage(`channels/${encodeURIComponent(id)}/activity?days=${days.input.value}`);
    const seconds = s => (s === null || s === undefined ? '—' : s < 90 ? `${s} s` : `${Math.round(s / 60)} min`);
    body.replaceChildren(
      el('div', { class: 'kpi' },
        el('div', {}, el('strong', {}, String(u.enquiries)), 'enquiries'),
        el('div', {}, el('strong', {}, `${Math.round(u.missedRate * 1000) / 10}%`), `missed (${u.missed})`),
        el('div', {}, el('strong', {}, seconds(u.medianFirstResponseSeconds)), 'median first response'),
        el('div', {}, el('strong', {}, `${u.replies} / ${u.pushes}`), 'LINE requests: reply / push')),
      el('div', { class: 'card' }, barChart('Enquiries per day', u.days, [
        { key: 'enquiries', label: 'enquiries', legend: 'green: enquiries', color: '#06c755' },
        { key: 'missed', label: 'missed', legend: 'orange: missed', color: '#e8a317' }])),
      el('div', { class: 'card' }, barChart('LINE requests per day', u.days, [
        { key: 'replies', label: 'by reply', legend: 'green: reply (free)', color: '#06c755' },
        { key: 'pushes', label: 'by push', legend: 'blue: push (counted against the quota)', color: '#1a56db' }])));
  };
  days.input.addEventListener('change', load);
  main.append(el('div', { class: 'card grid2' }, picker.wrap, days.wrap), body);
  await load();
  return undefined;
}

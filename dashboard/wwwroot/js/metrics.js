// Metrics page: every metric series charted over time (uPlot), grouped by application, filterable.
// Counters are charted as rates per second, a histogram as its count's rate and its mean per
// interval (the server derives both); gauges and up-down counters as they are.
import { el } from './format.js';

const MaxPoints = 300;
const series = new Map(); // key -> card
const groups = new Map(); // application -> { root, grid }
const container = document.getElementById('metric-groups');
const filterInput = document.getElementById('metric-filter');
const countLabel = document.getElementById('metric-count');
const emptyLabel = document.getElementById('metrics-empty');
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
let visible = false;

function title(m) {
  if (m.Chart === 'mean') return `${m.Name.replace(/_sum$/, '')} mean`;
  if (m.Type === 'histogram' && m.Chart === 'rate') return `${m.Name.replace(/_count$/, '')} count`;
  return m.Name;
}

function unitOf(m) {
  const unit = m.Unit ?? '';
  if (m.Chart === 'rate') return unit && m.Type !== 'histogram' ? `${unit}/s` : '/s';
  return unit;
}

function chartOptions(width, unit) {
  return {
    width, height: 110, pxAlign: false,
    legend: { show: false }, cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#7d8799', grid: { stroke: '#263041', width: 1 }, ticks: { show: false }, size: 24, font: '10px sans-serif' },
      { stroke: '#7d8799', grid: { stroke: '#263041', width: 1 }, ticks: { show: false }, size: 46, font: '10px sans-serif', values: (u, vals) => vals.map(v => number.format(v)) },
    ],
    series: [{}, { label: unit, stroke: '#4c9aff', width: 1.5, fill: 'rgba(76,154,255,0.08)', points: { show: false } }],
  };
}

function group(application) {
  let g = groups.get(application);
  if (g) return g;
  const root = el('section', 'mgroup');
  root.dataset.application = application;
  const head = el('h2', null, application);
  const grid = el('div', 'mgrid');
  root.append(head, grid);
  // The groups in the DOM are in order: insert before the first that sorts after this one.
  const after = [...container.children].find(c => c.dataset.application.localeCompare(application) > 0);
  container.insertBefore(root, after ?? null);
  g = { root, grid };
  groups.set(application, g);
  return g;
}

function createCard(m) {
  const g = group(m.Application);
  const root = el('div', 'mcard');
  root.dataset.key = m.Key;
  root.dataset.name = title(m);
  const head = el('div', 'mcard-head');
  const name = el('span', 'mname', title(m));
  const value = el('span', 'mvalue');
  head.append(name, value);
  const labels = el('div', 'mlabels', m.Labels || '\u00a0');
  const chart = el('div', 'mchart');
  root.append(head, labels, chart);
  const after = [...g.grid.children].find(c => c.dataset.name.localeCompare(title(m)) > 0 || (c.dataset.name === title(m) && c.dataset.key.localeCompare(m.Key) > 0));
  g.grid.insertBefore(root, after ?? null);
  const card = { root, value, chart, group: g, unit: unitOf(m), text: `${m.Application} ${title(m)} ${m.Labels}`.toLowerCase(), xs: [], ys: [], plot: null, dirty: true };
  series.set(m.Key, card);
  applyFilter(card);
  countLabel.textContent = `${series.size} series`;
  emptyLabel.hidden = true;
  return card;
}

function show(card, m) {
  const last = card.ys.length ? card.ys[card.ys.length - 1] : null;
  card.value.textContent = last === null ? '–' : `${number.format(last)} ${card.unit}`.trim();
  card.root.title = `latest sample ${m.Latest}${m.Unit ? ' ' + m.Unit : ''} (${m.Type})`;
}

export function onHello(list) {
  for (const m of list ?? []) {
    const card = series.get(m.Key) ?? createCard(m);
    card.xs = [...m.Times];
    card.ys = [...m.Values];
    card.dirty = true;
    show(card, m);
  }
}

export function onMetrics(list) {
  for (const m of list) {
    const card = series.get(m.Key) ?? createCard(m);
    for (let i = 0; i < m.Times.length; i++) {
      if (card.xs.length && m.Times[i] <= card.xs[card.xs.length - 1]) continue; // already have it (hello raced the push)
      card.xs.push(m.Times[i]);
      card.ys.push(m.Values[i]);
    }
    if (card.xs.length > MaxPoints) { card.xs.splice(0, card.xs.length - MaxPoints); card.ys.splice(0, card.ys.length - MaxPoints); }
    card.dirty = true;
    show(card, m);
  }
}

function applyFilter(card) {
  const words = filterInput.value.toLowerCase().split(/\s+/).filter(Boolean);
  card.root.hidden = words.length > 0 && !words.every(w => card.text.includes(w));
}

function applyFilters() {
  series.forEach(applyFilter);
  for (const g of groups.values()) g.root.hidden = [...g.grid.children].every(c => c.hidden);
}

filterInput.addEventListener('input', applyFilters);

export function setVisible(on) {
  visible = on;
  if (on) series.forEach(card => { card.dirty = true; });
}

// Charts are made and redrawn only while the page is shown, once per animation frame at most, and
// only for cards that changed and pass the filter.
function frame() {
  if (visible) {
    for (const card of series.values()) {
      if (!card.dirty || card.root.hidden) continue;
      const width = Math.max(160, card.chart.clientWidth);
      if (!card.plot) card.plot = new uPlot(chartOptions(width, card.unit), [card.xs, card.ys], card.chart);
      else {
        if (card.plot.width !== width) card.plot.setSize({ width, height: 110 });
        card.plot.setData([card.xs, card.ys]);
      }
      card.dirty = false;
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// Market board: one row per symbol in a sortable table that draws only the rows on screen, so a
// feed of thousands of symbols costs the page what a screenful costs. The server conflates to at
// most one update per symbol per push; updates only change the model, and one animation frame
// redraws what is visible. A click opens the symbol's detail: a larger chart, quote sizes, recent ticks.
import { el, fmtExact, fmtRate, signed } from './format.js';

const RowHeight = 28;
const Overscan = 8;
const ResortMs = 500;          // a sort on a moving column re-sorts at most twice a second
const DetailPoints = 600;
const RecentTicks = 30;

const symbols = new Map();     // topic -> { u, dir, row }
let order = [];                // topics, filtered and sorted
let orderDirty = true;
let lastSort = 0;
let sort = { key: 'Symbol', desc: false };
let visible = true;
let renderDirty = true;
let fetchChart = async () => null;
let detail = null;             // { topic, xs, ys, plot, recent: [] }

const scroller = document.getElementById('board');
const body = document.getElementById('board-body');
const head = document.getElementById('board-head');
const filterInput = document.getElementById('symbol-filter');
const countLabel = document.getElementById('board-count');
const emptyLabel = document.getElementById('board-empty');
const panel = document.getElementById('detail');
// What the browser tests read (window.dashboardStats.board): symbols known, the filtered and
// sorted list, and how many rows are in the DOM.
export const stats = { symbols: 0, shown: [], rendered: 0 };

// Columns: key in the update, header, class, how it sorts.
const columns = [
  { key: 'Symbol', title: 'Symbol', cls: 'c-sym', text: u => u.Symbol },
  { key: 'Venue', title: 'Venue', cls: 'c-venue', text: u => u.Venue || '' },
  { key: 'Status', title: 'Status', cls: 'c-status', text: u => statusText(u.Status) },
  { key: 'Value', title: 'Last', cls: 'c-last num', text: u => u.Price },
  { key: 'ChangePct', title: 'Chg %', cls: 'c-chg num', text: u => `${u.ChangePct >= 0 ? '+' : ''}${u.ChangePct.toFixed(2)}%` },
  { key: 'BidSize', title: 'Bid size', cls: 'c-bsz num', text: u => fmtExact(u.BidSize), numeric: true },
  { key: 'Bid', title: 'Bid', cls: 'c-bid num', text: u => u.Bid, numeric: true },
  { key: 'Ask', title: 'Ask', cls: 'c-ask num', text: u => u.Ask, numeric: true },
  { key: 'AskSize', title: 'Ask size', cls: 'c-asz num', text: u => fmtExact(u.AskSize), numeric: true },
  { key: 'High', title: 'High', cls: 'c-high num', text: u => u.High, numeric: true },
  { key: 'Low', title: 'Low', cls: 'c-low num', text: u => u.Low, numeric: true },
  { key: 'Rate', title: 'Ticks/s', cls: 'c-rate num', text: u => fmtRate(u.Rate) },
];
const moving = new Set(['Value', 'ChangePct', 'BidSize', 'Bid', 'Ask', 'AskSize', 'High', 'Low', 'Rate', 'Status']);

function statusText(status) {
  return status === 'Trading' || status === 'Unknown' || !status ? '' : status.toUpperCase();
}

function sortValue(u, column) {
  if (column.key === 'Symbol' || column.key === 'Venue' || column.key === 'Status') return column.text(u);
  const v = column.numeric ? parseFloat(u[column.key]) : u[column.key];
  return Number.isFinite(v) ? v : -Infinity;
}

// Header: click to sort, again to reverse.
for (const column of columns) {
  const th = el('div', `bh ${column.cls}`, column.title);
  th.dataset.key = column.key;
  th.addEventListener('click', () => {
    sort = sort.key === column.key ? { key: column.key, desc: !sort.desc } : { key: column.key, desc: column.key !== 'Symbol' };
    orderDirty = true;
    renderDirty = true;
    for (const h of head.children) h.className = `bh ${columns.find(c => c.key === h.dataset.key).cls}${h.dataset.key === sort.key ? (sort.desc ? ' sorted desc' : ' sorted asc') : ''}`;
  });
  head.appendChild(th);
}
head.querySelector('[data-key=Symbol]').classList.add('sorted', 'asc');

function rebuildOrder() {
  const words = filterInput.value.toUpperCase().split(/[\s,]+/).filter(Boolean);
  const column = columns.find(c => c.key === sort.key);
  const list = [];
  for (const [topic, s] of symbols) {
    if (words.length === 0 || words.some(w => s.u.Symbol.includes(w))) list.push(topic);
  }
  list.sort((a, b) => {
    const x = sortValue(symbols.get(a).u, column);
    const y = sortValue(symbols.get(b).u, column);
    const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return (sort.desc ? -c : c) || symbols.get(a).u.Symbol.localeCompare(symbols.get(b).u.Symbol);
  });
  order = list;
  orderDirty = false;
  lastSort = performance.now();
  body.style.height = `${order.length * RowHeight}px`;
  stats.shown = order.map(t => symbols.get(t).u.Symbol);
  countLabel.textContent = order.length === symbols.size ? `${symbols.size} symbols` : `${order.length} of ${symbols.size} symbols`;
}

// Row elements are reused as the window scrolls, never more in the DOM than fit on screen. A
// symbol keeps its element while it stays in the window, so nothing under the pointer changes
// identity when the board scrolls or re-sorts.
const live = new Map(); // topic -> row element
const free = [];
function newRow() {
  const row = el('div', 'brow');
  row.cells = columns.map(c => { const cell = el('span', c.cls); row.appendChild(cell); return cell; });
  row.addEventListener('click', () => select(row.dataset.topic));
  body.appendChild(row);
  return row;
}

function render() {
  const first = Math.max(0, Math.floor(scroller.scrollTop / RowHeight) - Overscan);
  const count = Math.max(0, Math.min(order.length - first, Math.ceil(scroller.clientHeight / RowHeight) + 2 * Overscan));
  const wanted = new Set(order.slice(first, first + count));
  for (const [topic, row] of live) {
    if (!wanted.has(topic)) { row.hidden = true; live.delete(topic); free.push(row); }
  }
  for (let i = 0; i < count; i++) {
    const topic = order[first + i];
    const s = symbols.get(topic);
    let row = live.get(topic);
    if (!row) {
      row = free.pop() ?? newRow();
      live.set(topic, row);
      row.dataset.topic = topic;
      row.dataset.symbol = s.u.Symbol;
      row.hidden = false;
    }
    row.style.transform = `translateY(${(first + i) * RowHeight}px)`;
    row.dataset.status = s.u.Status;
    row.classList.toggle('selected', detail?.topic === topic);
    for (let c = 0; c < columns.length; c++) {
      const text = columns[c].text(s.u);
      if (row.cells[c].textContent !== text) row.cells[c].textContent = text;
    }
    row.cells[3].className = `c-last num ${s.dir}`;
    row.cells[4].className = `c-chg num ${s.u.ChangePct > 0 ? 'up' : s.u.ChangePct < 0 ? 'down' : ''}`;
    row.cells[2].className = `c-status ${s.u.Status.toLowerCase()}`;
  }
  stats.rendered = live.size;
}

function apply(u) {
  let s = symbols.get(u.Topic);
  if (!s) {
    s = { u, dir: '' };
    symbols.set(u.Topic, s);
    orderDirty = true;
    stats.symbols = symbols.size;
    emptyLabel.hidden = true;
  } else {
    s.dir = u.Value > s.u.Value ? 'up' : u.Value < s.u.Value ? 'down' : s.dir;
    s.u = u;
  }
  if (detail?.topic === u.Topic) addDetailTick(u);
}

export function onUpdates(updates) {
  for (const u of updates) apply(u);
  renderDirty = true;
}

export function onHello(hello) {
  // A reconnect brings a fresh hello: start from it.
  symbols.clear();
  for (const [, row] of live) { row.hidden = true; free.push(row); }
  live.clear();
  for (const u of hello.Board) apply(u);
  orderDirty = true;
  renderDirty = true;
  if (detail) select(detail.topic);
}

export function setChartSource(source) { fetchChart = source; }

filterInput.addEventListener('input', () => { orderDirty = true; renderDirty = true; scroller.scrollTop = 0; });
scroller.addEventListener('scroll', () => { renderDirty = true; }, { passive: true });
new ResizeObserver(() => { renderDirty = true; if (detail?.plot) sizeDetail(); }).observe(scroller);

export function setVisible(on) { visible = on; renderDirty = true; }

function frame(now) {
  if (visible) {
    if (orderDirty || (moving.has(sort.key) && renderDirty && now - lastSort > ResortMs)) rebuildOrder();
    if (renderDirty) { render(); renderDirty = false; }
    if (detail?.dirty && detail.plot) { detail.plot.setData([detail.xs, detail.ys]); detail.dirty = false; }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// Detail: the selected symbol's chart (its history from the server, then every update), sizes and recent ticks.
const detailTitle = document.getElementById('detail-symbol');
const detailQuote = document.getElementById('detail-quote');
const detailChart = document.getElementById('detail-chart');
const detailTicks = document.querySelector('#detail-ticks tbody');
document.getElementById('detail-close').addEventListener('click', () => select(null));

function chartOptions(width) {
  return {
    width, height: 240, pxAlign: false, legend: { show: false },
    scales: { x: { time: true } },
    axes: [{ stroke: '#7d8799', grid: { stroke: '#263041' } }, { stroke: '#7d8799', grid: { stroke: '#263041' }, size: 60 }],
    series: [{}, { stroke: '#4c9aff', width: 1.5, fill: 'rgba(76,154,255,0.10)', points: { show: false } }],
  };
}

function sizeDetail() { detail.plot.setSize({ width: Math.max(240, detailChart.clientWidth), height: 240 }); }

async function select(topic) {
  if (detail?.plot) detail.plot.destroy();
  detail = null;
  panel.hidden = !topic;
  renderDirty = true;
  if (!topic || !symbols.has(topic)) { panel.hidden = true; return; }
  const current = { topic, xs: [], ys: [], plot: null, recent: [], dirty: false };
  detail = current;
  const u = symbols.get(topic).u;
  detailTitle.textContent = `${u.Symbol}${u.Venue ? ' · ' + u.Venue : ''}`;
  detailTicks.replaceChildren();
  showQuote(u);
  current.plot = new uPlot(chartOptions(Math.max(240, detailChart.clientWidth)), [[], []], detailChart);
  const history = await fetchChart(topic);
  if (detail !== current || !history) return;
  // The history ends where the server's last push did; keep the updates that came after it.
  const end = history.Times.at(-1) ?? -Infinity;
  const later = current.xs.map((t, i) => [t, current.ys[i]]).filter(([t]) => t > end);
  current.xs = [...history.Times, ...later.map(p => p[0])];
  current.ys = [...history.Values, ...later.map(p => p[1])];
  current.dirty = true;
  panel.dataset.points = String(current.xs.length);
}

function showQuote(u) {
  const rows = [
    ['Last', u.Price], ['Change', `${signed(u.Change)} (${u.ChangePct >= 0 ? '+' : ''}${u.ChangePct.toFixed(2)}%)`],
    ['Bid', `${u.Bid}${u.BidSize == null ? '' : ' × ' + fmtExact(u.BidSize)}`], ['Ask', `${u.Ask}${u.AskSize == null ? '' : ' × ' + fmtExact(u.AskSize)}`],
    ['High / low', `${u.High} / ${u.Low}`], ['Status', u.Status], ['Ticks', `${u.Count.toLocaleString('en-US')} · ${fmtRate(u.Rate)}/s`],
  ];
  detailQuote.replaceChildren(...rows.map(([k, v]) => { const d = el('div'); d.append(el('span', 'muted', k), el('b', null, v)); d.dataset.field = k; return d; }));
}

function addDetailTick(u) {
  detail.xs.push(u.Time);
  detail.ys.push(u.Value);
  if (detail.xs.length > DetailPoints) { detail.xs.shift(); detail.ys.shift(); }
  detail.dirty = true;
  panel.dataset.points = String(detail.xs.length);
  showQuote(u);
  const tr = document.createElement('tr');
  const time = new Date(u.Time * 1000).toISOString().slice(11, 23);
  for (const text of [time, u.Price, u.Bid, fmtExact(u.BidSize), u.Ask, fmtExact(u.AskSize)]) tr.appendChild(el('td', 'num', text));
  detailTicks.prepend(tr);
  while (detailTicks.children.length > RecentTicks) detailTicks.lastChild.remove();
}

// Market board: one card per symbol with last price, change, bid/ask, rate and a live uPlot sparkline.
// The server sends at most one update per symbol per push; each update adds one chart point.
import { el, fmtRate, signed } from './format.js';

const MaxPoints = 300;
const cards = new Map(); // topic -> card
const grid = document.getElementById('board');
const filterInput = document.getElementById('symbol-filter');
const countLabel = document.getElementById('board-count');
const emptyLabel = document.getElementById('board-empty');
let visible = true;

function sparkOptions(width) {
  return {
    width, height: 54, pxAlign: false,
    cursor: { show: false }, legend: { show: false }, select: { show: false },
    scales: { x: { time: false } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: '#4c9aff', width: 1.5, fill: 'rgba(76,154,255,0.10)', points: { show: false } }],
  };
}

function createCard(u) {
  const root = el('div', 'card');
  root.dataset.symbol = u.Symbol;
  root.dataset.topic = u.Topic;
  const head = el('div', 'card-head');
  head.append(el('span', 'sym', u.Symbol));
  const chg = el('span', 'chg');
  head.append(chg);
  const price = el('div', 'price');
  const quote = el('div', 'quote');
  const bid = el('span'); const ask = el('span');
  quote.append(bid, ask);
  const spark = el('div', 'spark');
  const foot = el('div', 'card-foot');
  const range = el('span'); const rate = el('span');
  foot.append(range, rate);
  root.append(head, price, quote, spark, foot);

  // Keep cards in symbol order so nothing jumps around while prices move.
  const after = [...cards.values()].find(c => c.symbol.localeCompare(u.Symbol) > 0);
  grid.insertBefore(root, after ? after.root : null);
  const card = { root, chg, price, bid, ask, range, rate, spark, symbol: u.Symbol, xs: [], ys: [], plot: null, dirty: false, last: null };
  card.plot = new uPlot(sparkOptions(Math.max(100, spark.clientWidth)), [[], []], spark);
  cards.set(u.Topic, card);
  applyFilter(card);
  countLabel.textContent = `${cards.size} symbols`;
  emptyLabel.hidden = true;
  return card;
}

function render(card, u) {
  const dir = card.last === null ? '' : u.Value > card.last ? 'up' : u.Value < card.last ? 'down' : card.price.className.replace('price', '').trim();
  card.last = u.Value;
  card.price.textContent = u.Price;
  card.price.className = `price ${dir}`;
  card.chg.textContent = `${signed(u.Change)} (${u.ChangePct >= 0 ? '+' : ''}${u.ChangePct.toFixed(2)}%)`;
  card.chg.className = `chg ${u.ChangePct > 0 ? 'up' : u.ChangePct < 0 ? 'down' : ''}`;
  card.bid.textContent = `Bid ${u.Bid}`;
  card.ask.textContent = `Ask ${u.Ask}`;
  card.range.textContent = `H ${u.High}  L ${u.Low}`;
  card.rate.textContent = `${fmtRate(u.Rate)} t/s`;
}

function addPoint(card, time, value) {
  card.xs.push(time);
  card.ys.push(value);
  if (card.xs.length > MaxPoints) { card.xs.shift(); card.ys.shift(); }
  card.dirty = true;
}

export function onUpdates(updates) {
  for (const u of updates) {
    const card = cards.get(u.Topic) ?? createCard(u);
    render(card, u);
    addPoint(card, u.Time, u.Value);
  }
}

export function onHello(hello) {
  for (const series of hello.Charts) {
    const u = hello.Board.find(b => b.Topic === series.Topic);
    if (!u) continue;
    const card = cards.get(u.Topic) ?? createCard(u);
    card.xs = [...series.Times];
    card.ys = [...series.Values];
    card.dirty = true;
  }
  onUpdates(hello.Board.filter(b => !hello.Charts.some(c => c.Topic === b.Topic && c.Times.length > 0)));
  for (const u of hello.Board) render(cards.get(u.Topic), u);
}

function applyFilter(card) {
  const words = filterInput.value.toUpperCase().split(/[\s,]+/).filter(Boolean);
  card.root.hidden = words.length > 0 && !words.some(w => card.symbol.includes(w));
}

filterInput.addEventListener('input', () => cards.forEach(applyFilter));

export function setVisible(on) { visible = on; if (on) resize(); }

function resize() {
  for (const card of cards.values()) {
    if (!card.root.hidden) { card.plot.setSize({ width: Math.max(100, card.spark.clientWidth), height: 54 }); card.dirty = true; }
  }
}
new ResizeObserver(() => visible && resize()).observe(grid);

// Charts redraw once per animation frame at most, and only when visible.
function frame() {
  if (visible) {
    for (const card of cards.values()) {
      if (card.dirty && !card.root.hidden) { card.plot.setData([card.xs, card.ys]); card.dirty = false; }
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

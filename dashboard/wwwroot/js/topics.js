// Topic monitor: per-topic rate, gaps, repaired records and latency, refreshed once a second.
import { cell, fmtAge, fmtInt, fmtMs, fmtRate } from './format.js';

const body = document.querySelector('#topics-table tbody');
const filterInput = document.getElementById('topic-filter');
let rows = [];

export function onTopics(next) {
  rows = next;
  const total = rows.reduce((s, r) => s + r.Rate, 0);
  const gaps = rows.reduce((s, r) => s + r.Gaps, 0);
  const withLatency = rows.filter(r => r.Rate > 0);
  const latency = withLatency.length ? withLatency.reduce((s, r) => s + r.LatencyMs, 0) / withLatency.length : null;
  document.getElementById('t-topics').textContent = fmtInt(rows.length);
  document.getElementById('t-rate').textContent = fmtRate(total);
  const gapTile = document.getElementById('t-gaps');
  gapTile.textContent = fmtInt(gaps);
  gapTile.className = gaps > 0 ? 'bad' : '';
  document.getElementById('t-latency').textContent = latency === null ? '–' : `${fmtMs(latency)} ms`;
  render();
}

function render() {
  const text = filterInput.value.trim().toLowerCase();
  const shown = text ? rows.filter(r => r.Topic.toLowerCase().includes(text)) : rows;
  const fragment = document.createDocumentFragment();
  for (const r of shown) {
    const tr = document.createElement('tr');
    cell(tr, r.Topic, 'mono');
    cell(tr, r.Kind);
    cell(tr, r.Publisher);
    cell(tr, fmtRate(r.Rate), 'num');
    cell(tr, fmtInt(r.Records), 'num');
    cell(tr, fmtInt(r.Gaps), r.Gaps > 0 ? 'num bad' : 'num');
    cell(tr, fmtInt(r.Missing), r.Missing > 0 ? 'num bad' : 'num');
    cell(tr, fmtInt(r.Repaired), 'num');
    cell(tr, fmtInt(r.Resyncs), 'num');
    cell(tr, fmtInt(r.Conflated), 'num');
    cell(tr, fmtMs(r.LatencyMs), 'num');
    cell(tr, fmtMs(r.LatencyMaxMs), 'num');
    cell(tr, fmtAge(r.AgeSeconds), r.AgeSeconds > 15 ? 'num warnc' : 'num');
    fragment.appendChild(tr);
  }
  body.replaceChildren(fragment);
}

filterInput.addEventListener('input', render);

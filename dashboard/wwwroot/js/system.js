// System view: publishers, relays and subscribers with their rates and health, and metric samples.
import { cell, el, fmtAge, fmtRate } from './format.js';

const components = document.querySelector('#components-table tbody');
const metrics = document.querySelector('#metrics-table tbody');

export function onSystem(view) {
  if (!view) return;
  document.getElementById('total-rate').textContent = fmtRate(view.RecordsPerSecond);
  const order = { publisher: 0, relay: 1, subscriber: 2 };
  const rows = [...view.Components].sort((a, b) => (order[a.Role] ?? 3) - (order[b.Role] ?? 3) || a.Name.localeCompare(b.Name));
  const fragment = document.createDocumentFragment();
  for (const c of rows) {
    const tr = document.createElement('tr');
    const health = el('span', `health ${c.Health}`);
    health.append(el('i'), document.createTextNode(c.Health));
    cell(tr, '').appendChild(health);
    cell(tr, c.Role, 'role');
    cell(tr, c.Name);
    cell(tr, fmtRate(c.Rate), 'num');
    cell(tr, c.Detail, 'mono');
    cell(tr, c.Notes, 'wrap');
    fragment.appendChild(tr);
  }
  components.replaceChildren(fragment);

  const metricRows = document.createDocumentFragment();
  for (const m of view.Metrics) {
    const tr = document.createElement('tr');
    cell(tr, m.Source);
    cell(tr, m.Name, 'mono');
    cell(tr, m.Labels, 'mono');
    cell(tr, m.Value, 'num');
    cell(tr, fmtAge(m.AgeSeconds), 'num');
    metricRows.appendChild(tr);
  }
  metrics.replaceChildren(metricRows);
}

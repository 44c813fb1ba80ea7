// Log tail: every record (logs are never conflated), filtered by application, level and text in the page.
import { cell, el } from './format.js';

const Levels = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical'];
const Kept = 1000;
const Shown = 300;
const body = document.querySelector('#logs-table tbody');
const appSelect = document.getElementById('log-app');
const levelSelect = document.getElementById('log-level');
const textInput = document.getElementById('log-text');
const pause = document.getElementById('log-pause');
const count = document.getElementById('log-count');
const apps = new Set();
let entries = [];
let lastId = 0;

levelSelect.value = '1';

export function onLogs(rows) {
  for (const r of rows) {
    if (r.Id <= lastId) continue;
    lastId = r.Id;
    entries.push(r);
    if (!apps.has(r.Application)) {
      apps.add(r.Application);
      const options = [...apps].sort().map(a => new Option(a, a));
      const selected = appSelect.value;
      appSelect.replaceChildren(new Option('All applications', ''), ...options);
      appSelect.value = selected;
    }
  }

  if (entries.length > Kept) entries = entries.slice(-Kept);
  if (!pause.checked) render();
}

function matches(r) {
  const text = textInput.value.trim().toLowerCase();
  return (!appSelect.value || r.Application === appSelect.value)
    && Levels.indexOf(r.Level) >= Number(levelSelect.value)
    && (!text || r.Message.toLowerCase().includes(text) || r.Category.toLowerCase().includes(text));
}

function render() {
  const shown = entries.filter(matches).slice(-Shown).reverse();
  const fragment = document.createDocumentFragment();
  for (const r of shown) {
    const tr = document.createElement('tr');
    tr.dataset.level = r.Level;
    tr.dataset.app = r.Application;
    cell(tr, new Date(r.Time).toISOString().slice(11, 23));
    cell(tr, '').appendChild(el('span', `lvl ${r.Level}`, r.Level));
    cell(tr, r.Application);
    cell(tr, r.Category, 'mono');
    const message = cell(tr, r.Message);
    if (r.Exception) message.appendChild(el('span', 'exc', r.Exception));
    fragment.appendChild(tr);
  }
  body.replaceChildren(fragment);
  count.textContent = `${shown.length} of ${entries.length} records`;
}

for (const input of [appSelect, levelSelect, textInput, pause]) input.addEventListener('input', render);

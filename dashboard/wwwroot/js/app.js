// Connects to the dashboard hub (SignalR, MessagePack protocol) and routes pushes to the views.
import * as board from './board.js';
import * as metrics from './metrics.js';
import { onTopics } from './topics.js';
import { onSystem } from './system.js';
import { onLogs } from './logs.js';

// Counters the browser tests read: pushes per message type and updates per topic.
const stats = { board: board.stats, connected: false, hello: false, hellos: 0, reconnects: 0, messages: { ticks: 0, logs: 0, topics: 0, system: 0, metrics: 0 }, updates: {} };
window.dashboardStats = stats;

const conn = document.getElementById('conn');
const banner = document.getElementById('conn-banner');
let bannerTimer = 0;
// The badge shows the state; the banner says what happened, until the link is back and a moment after.
function setConnection(state, text, message) {
  conn.className = `conn ${state}`;
  conn.querySelector('span').textContent = text;
  stats.connected = state === 'ok';
  clearTimeout(bannerTimer);
  if (message) {
    banner.textContent = message;
    banner.className = `banner ${state}`;
    banner.hidden = false;
    if (state === 'ok') bannerTimer = setTimeout(() => { banner.hidden = true; }, 5000);
  }
}

// Tabs: the hash selects the view, so a view can be linked to.
const views = ['board', 'topics', 'metrics', 'system', 'logs'];
function showView() {
  const current = views.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'board';
  for (const v of views) document.getElementById(`view-${v}`).hidden = v !== current;
  for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.view === current);
  board.setVisible(current === 'board');
  metrics.setVisible(current === 'metrics');
}
window.addEventListener('hashchange', showView);
showView();

const connection = new signalR.HubConnectionBuilder()
  .withUrl('hub')
  .withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol())
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: () => 2000 })
  .configureLogging(signalR.LogLevel.Warning)
  .build();

connection.on('hello', hello => {
  stats.hello = true;
  stats.hellos++;
  document.getElementById('mode').textContent = hello.Mode;
  document.getElementById('board-endpoints').textContent = `${hello.Mode === 'demo' ? 'demo relay' : 'connected to'} ${hello.Endpoints.join(', ')} · ≤ ${Math.round(1000 / hello.PushIntervalMs)} updates/s per symbol`;
  board.onHello(hello);
  metrics.onHello(hello.Metrics);
  onLogs(hello.Logs);
  onSystem(hello.System);
});
connection.on('ticks', updates => {
  stats.messages.ticks++;
  for (const u of updates) stats.updates[u.Topic] = (stats.updates[u.Topic] ?? 0) + 1;
  board.onUpdates(updates);
});
connection.on('metrics', list => { stats.messages.metrics++; metrics.onMetrics(list); });
connection.on('logs', rows => { stats.messages.logs++; onLogs(rows); });
connection.on('topics', rows => { stats.messages.topics++; onTopics(rows); });
connection.on('system', view => { stats.messages.system++; onSystem(view); });
// A dropped link reconnects by itself, every 2 s for as long as it takes (SignalR's own retries,
// then ours once it gives up); the server sends a fresh hello on every connection.
board.setChartSource(topic => connection.invoke('Chart', topic).catch(() => null));
connection.onreconnecting(() => setConnection('down', 'reconnecting', 'Connection to the dashboard lost: reconnecting…'));
connection.onreconnected(() => { stats.reconnects++; setConnection('ok', 'live', 'Reconnected: the board is live again.'); });
connection.onclose(() => { setConnection('down', 'reconnecting', 'Connection to the dashboard lost: reconnecting…'); setTimeout(start, 2000); });

let started = false;
async function start() {
  try {
    await connection.start();
    if (started) stats.reconnects++;
    setConnection('ok', 'live', started ? 'Reconnected: the board is live again.' : undefined);
    started = true;
  } catch {
    setConnection('down', 'retrying', started ? 'Connection to the dashboard lost: reconnecting…' : 'Cannot reach the dashboard: retrying…');
    setTimeout(start, 2000);
  }
}
start();

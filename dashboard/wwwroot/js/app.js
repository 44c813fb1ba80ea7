// Connects to the dashboard hub (SignalR, MessagePack protocol) and routes pushes to the views.
import * as board from './board.js';
import { onTopics } from './topics.js';
import { onSystem } from './system.js';
import { onLogs } from './logs.js';

// Counters the browser tests read: pushes per message type and updates per topic.
const stats = { connected: false, hello: false, messages: { ticks: 0, logs: 0, topics: 0, system: 0 }, updates: {} };
window.dashboardStats = stats;

const conn = document.getElementById('conn');
function setConnection(state, text) {
  conn.className = `conn ${state}`;
  conn.querySelector('span').textContent = text;
  stats.connected = state === 'ok';
}

// Tabs: the hash selects the view, so a view can be linked to.
const views = ['board', 'topics', 'system', 'logs'];
function showView() {
  const current = views.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'board';
  for (const v of views) document.getElementById(`view-${v}`).hidden = v !== current;
  for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.view === current);
  board.setVisible(current === 'board');
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
  document.getElementById('mode').textContent = hello.Mode;
  document.getElementById('board-endpoints').textContent = `${hello.Mode === 'demo' ? 'demo relay' : 'connected to'} ${hello.Endpoints.join(', ')} · ≤ ${Math.round(1000 / hello.PushIntervalMs)} updates/s per symbol`;
  board.onHello(hello);
  onLogs(hello.Logs);
  onSystem(hello.System);
});
connection.on('ticks', updates => {
  stats.messages.ticks++;
  for (const u of updates) stats.updates[u.Topic] = (stats.updates[u.Topic] ?? 0) + 1;
  board.onUpdates(updates);
});
connection.on('logs', rows => { stats.messages.logs++; onLogs(rows); });
connection.on('topics', rows => { stats.messages.topics++; onTopics(rows); });
connection.on('system', view => { stats.messages.system++; onSystem(view); });
connection.onreconnecting(() => setConnection('down', 'reconnecting'));
connection.onreconnected(() => setConnection('ok', 'live'));
connection.onclose(() => setConnection('down', 'disconnected'));

async function start() {
  try {
    await connection.start();
    setConnection('ok', 'live');
  } catch {
    setConnection('down', 'retrying');
    setTimeout(start, 2000);
  }
}
start();

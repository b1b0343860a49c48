// The SOC page: loads /api/overview once, then follows /events (server-sent events).
// Plain JS on purpose; Chart.js draws the chart. window.crashwatch exposes what the browser test
// reads: when each signal became visible (shownAt, epoch ms) and how it arrived (via: 'sse' pushed,
// 'load' in an overview fetched after the page was up).
'use strict';

const ACTIONS = ['WATCH', 'HALT', 'ROLLBACK', 'RESOLVED'];
const COLORS = { WATCH: '#e5c07b', HALT: '#f0883e', ROLLBACK: '#f14c4c', RESOLVED: '#4caf7a' };
const state = { overview: null, chosen: null, manual: false, chart: null };
window.crashwatch = { shownAt: {}, via: {}, loadedAt: Date.now() };

const $ = (sel) => document.querySelector(sel);
// below 0.1%, two significant digits: one crash among millions of devices never reads 0.000%
const pct = (r) => (r * 100).toFixed(r >= 0.01 ? 1 : r > 0 ? Math.max(3, 1 - Math.floor(Math.log10(r * 100))) : 3) + '%';
const int = (n) => Number(n).toLocaleString('en-US');
const time = (ms) => (ms == null ? '–' : new Date(ms).toISOString().slice(5, 19).replace('T', ' ') + 'Z');
const sci = (p) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));
// The deciding test's e-value against the level's threshold, both as powers of ten; blame's
// fixed-window test (a version unmasked by blame) has a p-value instead.
const evidence = (s) => (!s.test || s.test.startsWith('fixed-window')
  ? 'p ' + sci(s.pValue)
  : 'e 10^' + s.statistic.toFixed(1) + ' / 10^' + s.threshold.toFixed(1));
const ratioBound = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratioInterval = (s) => (s.rateRatioLower == null || s.rateRatioUpper == null
  ? '–'
  : ratioBound(s.rateRatioLower) + '–' + ratioBound(s.rateRatioUpper) + '×');

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function badge(action) {
  const span = document.createElement('span');
  span.className = 'badge ' + action;
  span.textContent = action;
  return span;
}

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(url + ': ' + res.status);
  return res.json();
}

async function loadOverview() {
  state.overview = await getJson('/api/overview');
  renderAll();
}

function renderAll() {
  const o = state.overview;
  renderCounts(o.active);
  renderActive(o.active);
  renderLog(o.log);
  renderDeadLetters(o.deadLetters, o.unreadable);
  renderAlerts(o.alerts);
  renderVersions(o.versions);
  $('#topics').textContent = 'reading ' + o.topicsFound.length + ' of 4 output topics';
}

function renderCounts(active) {
  const box = $('#counts');
  box.replaceChildren();
  for (const a of ['ROLLBACK', 'HALT', 'WATCH']) {
    const n = active.filter((x) => x.signal.action === a).length;
    const span = document.createElement('span');
    span.className = 'count';
    span.append(badge(a));
    const b = document.createElement('b');
    b.textContent = n;
    span.append(b);
    box.append(span);
  }
}

function renderActive(active) {
  const body = $('#active-signals tbody');
  body.replaceChildren();
  $('#no-active').hidden = active.length > 0;
  for (const { signal: s, vendor, history } of active) {
    const tr = document.createElement('tr');
    tr.className = 'signal' + (s.key === state.chosen ? ' selected' : '');
    tr.dataset.key = s.key;
    tr.dataset.action = s.action;
    tr.dataset.signalId = s.signalId;
    const state0 = document.createElement('td');
    state0.append(badge(s.action));
    tr.append(state0, cell(s.key, 'mono'), cell(vendor || '–'), cell(s.episode, 'num'),
      cell(int(s.crashedDevices + s.silentDevices), 'num'), cell(int(s.crashedDevices), 'num'),
      cell(int(s.silentDevices), 'num'), cell(int(s.exposedDevices), 'num'),
      cell(pct(s.crashRate), 'num'), cell(pct(s.baselineRate) + ' ' + s.baseline, 'num'),
      cell(evidence(s), 'num'), cell(ratioInterval(s), 'num'),
      cell(s.topBugcheck || '–', 'mono'),
      cell((s.topModule || '–') + (s.topModule ? (s.moduleBelongsToComponent ? ' ✓ own' : ' ✗ other') : ''),
        'mono ' + (s.moduleBelongsToComponent ? 'own' : 'foreign')),
      cell(s.ringsReached.join(', ') || '–'), cell(time(s.firstCrashTime)), cell(time(s.decisionTime)));
    tr.addEventListener('click', () => choose(s.key, true));
    const detail = document.createElement('tr');
    detail.className = 'detail';
    const td = document.createElement('td');
    td.colSpan = 17;
    const steps = document.createElement('span');
    steps.className = 'history';
    for (const h of history) {
      const step = document.createElement('span');
      step.className = 'step';
      step.title = h.text;
      step.append(badge(h.action), ' ' + time(h.time));
      steps.append(step);
    }
    td.append(steps, '  ' + s.reason);
    detail.append(td);
    body.append(tr, detail);
  }
}

function renderLog(log) {
  const body = $('#signal-log tbody');
  body.replaceChildren();
  const fresh = log.map((s) => s.signalId).filter((id) => !(id in window.crashwatch.shownAt));
  // Visible once painted: the frame after the rows are in the DOM.
  requestAnimationFrame(() => {
    const now = Date.now();
    for (const id of fresh) {
      if (!(id in window.crashwatch.shownAt)) window.crashwatch.shownAt[id] = now;
      if (!(id in window.crashwatch.via)) window.crashwatch.via[id] = 'load';
    }
  });
  for (const s of log) {
    const tr = document.createElement('tr');
    tr.dataset.signalId = s.signalId;
    const st = document.createElement('td');
    st.append(badge(s.action));
    tr.append(cell(time(s.decisionTime)), st, cell(s.key, 'mono'), cell(s.previousAction || '–'), cell(s.reason));
    body.append(tr);
  }
}

function renderDeadLetters(counts, unreadable) {
  const body = $('#dead-letters tbody');
  body.replaceChildren();
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  for (const [reason, n] of rows) {
    const tr = document.createElement('tr');
    tr.append(cell(reason, 'mono'), cell(int(n), 'num'));
    body.append(tr);
  }
  if (rows.length === 0) body.append(Object.assign(document.createElement('tr'), { innerHTML: '<td colspan="2" class="muted">none</td>' }));
  const bad = Object.entries(unreadable || {}).map(([t, n]) => t + ': ' + n);
  $('#unreadable').textContent = bad.length ? 'records the dashboard could not decode: ' + bad.join(', ') : '';
}

function renderAlerts(alerts) {
  const body = $('#other-alerts tbody');
  body.replaceChildren();
  for (const a of alerts) {
    const tr = document.createElement('tr');
    const level = document.createElement('td');
    level.append(badge(a.severity));
    tr.append(cell(time(a.time)), level, cell(a.summary + (a.vendor ? ' (' + a.vendor + ')' : '')));
    body.append(tr);
  }
  if (alerts.length === 0) body.append(Object.assign(document.createElement('tr'), { innerHTML: '<td colspan="3" class="muted">none</td>' }));
}

function renderVersions(versions) {
  const select = $('#version');
  if (!state.manual && versions.length) state.chosen = versions[0].key;
  select.replaceChildren(...versions.map((v) => {
    const opt = document.createElement('option');
    opt.value = v.key;
    opt.textContent = v.key + (v.state ? '  [' + v.state + ']' : '');
    return opt;
  }));
  if (state.chosen) select.value = state.chosen;
  if (state.chosen) loadVersion();
}

function choose(key, manual) {
  state.chosen = key;
  state.manual = manual;
  $('#version').value = key;
  document.querySelectorAll('#active-signals tr.signal').forEach((tr) => tr.classList.toggle('selected', tr.dataset.key === key));
  loadVersion();
}

async function loadVersion() {
  const key = state.chosen;
  const detail = await getJson('/api/version?key=' + encodeURIComponent(key));
  if (key !== state.chosen) return;
  drawChart(detail);
  renderRings(detail.latest);
}

function drawChart(detail) {
  const rate = detail.series.map((p) => ({ x: p.time, y: p.crashRate * 100 }));
  const baseline = detail.series.map((p) => ({ x: p.time, y: p.baselineRate * 100 }));
  const marks = detail.signals.map((h) => ({ x: h.time, y: h.rate * 100, action: h.action }));
  const datasets = [
    { label: 'crash rate %', data: rate, borderColor: '#58a6ff', backgroundColor: '#58a6ff',
      pointRadius: rate.length > 120 ? 0 : 2, borderWidth: 2, tension: 0.1 },
    { label: 'baseline %', data: baseline, borderColor: '#7b8798', borderDash: [4, 3], pointRadius: 0, borderWidth: 1.5 },
    { label: 'signals', type: 'scatter', data: marks, pointStyle: 'rectRot', pointRadius: 8, pointHoverRadius: 10,
      backgroundColor: marks.map((m) => COLORS[m.action]), borderColor: '#ffffff', borderWidth: 1.5 },
  ];
  if (state.chart) {
    state.chart.data.datasets = datasets;
    state.chart.update('none');
    return;
  }
  Chart.defaults.color = '#aeb8c6';
  Chart.defaults.borderColor = '#263040';
  state.chart = new Chart($('#rate-chart'), {
    type: 'line',
    data: { datasets },
    options: {
      animation: false, maintainAspectRatio: false, parsing: true,
      scales: {
        x: { type: 'linear', ticks: { callback: (v) => new Date(v).toISOString().slice(11, 16) + 'Z', maxTicksLimit: 10 } },
        y: { beginAtZero: true, title: { display: true, text: '% of exposed devices failing' } },
      },
      plugins: {
        legend: { labels: { boxWidth: 12 } },
        tooltip: { callbacks: {
          title: (items) => time(items[0].raw.x),
          label: (item) => (item.raw.action ? item.raw.action + ' ' : item.dataset.label + ' ') + item.raw.y.toFixed(3) + '%',
        } },
      },
    },
  });
}

function renderRings(latest) {
  const body = $('#ring-table tbody');
  body.replaceChildren();
  const figures = $('#version-figures');
  figures.replaceChildren();
  $('#ring-time').textContent = latest ? state.chosen + ' at ' + time(latest.time) : 'no snapshot yet';
  if (!latest) return;
  for (const [ring, exposed] of Object.entries(latest.exposedByRing)) {
    const crashed = latest.crashedByRing[ring] || 0;
    const tr = document.createElement('tr');
    tr.dataset.ring = ring;
    tr.append(cell(ring), cell(int(exposed), 'num'), cell(int(crashed), 'num'), cell(exposed ? pct(crashed / exposed) : '–', 'num'));
    body.append(tr);
  }
  const rows = [['exposed', int(latest.exposedDevices)], ['crashed', int(latest.crashedDevices)],
    ['silent', int(latest.silentDevices)], ['degraded', int(latest.degradedDevices)], ['tampered', int(latest.tamperedDevices)],
    ['rate / baseline', pct(latest.crashRate) + ' / ' + pct(latest.baselineRate) + ' (' + latest.baseline + ')'],
    ['rate ratio', latest.rateRatio.toFixed(1) + '×'], ['statistic / halt at', latest.statistic.toFixed(2) + ' / ' + latest.threshold.toFixed(2)],
    ['state', latest.state || 'none'], ['vendor', latest.vendor || 'not in catalogue']];
  for (const [k, v] of rows) {
    figures.append(Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v }));
  }
}

function onSignal(entry) {
  const o = state.overview;
  const s = entry.signal;
  if (o.log.some((x) => x.signalId === s.signalId)) return; // already in the overview just loaded
  window.crashwatch.via[s.signalId] = 'sse';
  o.log.unshift(s);
  const i = o.active.findIndex((a) => a.signal.key === s.key);
  if (i >= 0) o.active.splice(i, 1);
  if (s.action !== 'RESOLVED') o.active.push(entry);
  o.active.sort((a, b) => ACTIONS.indexOf(b.signal.action) - ACTIONS.indexOf(a.signal.action) || b.signal.decisionTime - a.signal.decisionTime);
  if (!o.versions.some((v) => v.key === s.key)) o.versions.push({ key: s.key, state: s.action, lastSnapshot: 0 });
  o.versions.forEach((v) => { if (v.key === s.key) v.state = s.action; });
  // The server's order: active by severity, then the most recently signalled; this one is newest.
  const at = o.versions.findIndex((v) => v.key === s.key);
  o.versions.unshift(...o.versions.splice(at, 1));
  o.versions.sort((a, b) => rank(b.state) - rank(a.state));
  renderCounts(o.active);
  renderActive(o.active);
  renderLog(o.log);
  renderVersions(o.versions);
  const row = document.querySelector('#active-signals tr[data-signal-id="' + CSS.escape(s.signalId) + '"]');
  if (row) row.classList.add('flash');
}

function rank(action) {
  return action && action !== 'RESOLVED' ? 1 + ACTIONS.indexOf(action) : 0;
}

function connect() {
  const events = new EventSource('/events');
  const pill = $('#connection');
  events.onopen = () => {
    pill.textContent = 'live';
    pill.className = 'pill live';
    loadOverview(); // fills whatever happened while disconnected
  };
  events.onerror = () => {
    pill.textContent = 'reconnecting';
    pill.className = 'pill down';
  };
  events.addEventListener('signal', (e) => state.overview && onSignal(JSON.parse(e.data)));
  events.addEventListener('health', (e) => {
    const keys = JSON.parse(e.data);
    if (!state.overview) return;
    const known = new Set(state.overview.versions.map((v) => v.key));
    if (keys.some((k) => !known.has(k))) loadOverview();
    else if (keys.includes(state.chosen)) loadVersion();
  });
  events.addEventListener('alerts', (e) => state.overview && renderAlerts(JSON.parse(e.data)));
  events.addEventListener('deadletters', (e) => state.overview && renderDeadLetters(JSON.parse(e.data), state.overview.unreadable));
}

$('#version').addEventListener('change', (e) => choose(e.target.value, true));
loadOverview().then(connect);

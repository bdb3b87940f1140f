// Dashboard of the trading system. Plain browser JS, no build step: talks to this gateway only.
// The API key is kept in localStorage and sent as a Bearer header; the event stream and report links use a
// short-lived signed token from POST /v1/access-tokens (EventSource and links cannot send headers).

const KEY_STORAGE = 'ats.apiKey';
const MAX_DECISION_ROWS = 200;
const REFRESH_MS = 15_000;
/** Renew the signed token a minute before its 5-minute life ends. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

const $ = (id) => document.getElementById(id);
let accessToken = null;
let stream = null;
let equitySeries = null;
/** `/?run=<id>` pins the page to one run; otherwise the latest live or paper run. */
const pinnedRun = new URLSearchParams(location.search).get('run');
const runQuery = pinnedRun ? `?runId=${encodeURIComponent(pinnedRun)}` : '';

function apiKey() {
  return localStorage.getItem(KEY_STORAGE);
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: {
      authorization: `Bearer ${apiKey()}`,
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const body = response.headers.get('content-type')?.includes('json')
    ? await response.json()
    : await response.text();
  if (!response.ok) {
    const error = new Error(body?.message ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function showError(message) {
  const el = $('error');
  el.textContent = message ?? '';
  el.hidden = !message;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

const money = (n) =>
  n === null || n === undefined ? '–' : n.toLocaleString(undefined, { style: 'currency', currency: 'USD' });
const time = (iso) => new Date(iso).toISOString().replace('T', ' ').slice(0, 19);

async function ensureAccessToken() {
  if (accessToken && Date.parse(accessToken.expiresAt) - Date.now() > TOKEN_RENEW_MARGIN_MS)
    return accessToken.token;
  accessToken = await api('/v1/access-tokens', { method: 'POST' });
  return accessToken.token;
}

async function loadPortfolio() {
  try {
    const p = await api(`/v1/portfolio${runQuery}`);
    $('run-label').textContent = `${p.run.kind} run ${p.run.id} (${p.run.status})`;
    $('equity').textContent = money(p.equity);
    $('cash').textContent = money(p.cash);
    $('as-of').textContent = p.asOf ? time(p.asOf) : '–';
    renderPositions(p.positions);
    const curve = await api(`/v1/portfolio/equity?runId=${encodeURIComponent(p.run.id)}`);
    renderEquity(curve.points);
  } catch (error) {
    if (error.status !== 404) throw error;
    $('run-label').textContent = pinnedRun ? `no run ${pinnedRun}` : 'no live or paper run yet';
  }
}

function renderPositions(positions) {
  const body = $('positions').tBodies[0];
  body.replaceChildren(
    ...positions.map((p) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(p.symbol),
        cell(String(p.quantity)),
        cell(money(p.averagePrice)),
        cell(money(p.realizedPnl)),
      );
      return tr;
    }),
  );
}

function renderEquity(points) {
  if (!window.LightweightCharts) return;
  if (!equitySeries) {
    const chart = LightweightCharts.createChart($('equity-chart'), {
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: '#8b98a5' },
      grid: { vertLines: { color: '#222c36' }, horzLines: { color: '#222c36' } },
      timeScale: { timeVisible: true },
    });
    equitySeries = chart.addSeries(LightweightCharts.LineSeries, { color: '#7fb8e6', lineWidth: 2 });
  }
  // One point per second at most (the chart needs strictly increasing times).
  const byTime = new Map(points.map((p) => [Math.floor(Date.parse(p.ts) / 1000), p.equity]));
  equitySeries.setData([...byTime].sort((a, b) => a[0] - b[0]).map(([t, value]) => ({ time: t, value })));
}

function decisionRow(d, fresh) {
  const tr = document.createElement('tr');
  tr.dataset.agent = d.agent;
  tr.dataset.symbol = d.symbol;
  if (fresh) tr.className = 'fresh decision-live';
  tr.append(
    cell(time(d.ts ?? d.decidedAt)),
    cell(d.agent),
    cell(d.symbol),
    cell(d.signal, `signal-${d.signal}`),
    cell(`${Math.round(d.confidence * 100)}%`),
    cell(d.reasoning, 'reasoning'),
  );
  return tr;
}

function addDecision(d, fresh) {
  const body = $('decisions').tBodies[0];
  body.prepend(decisionRow(d, fresh));
  while (body.rows.length > MAX_DECISION_ROWS) body.deleteRow(-1);
}

async function loadDecisions() {
  const page = await api('/v1/decisions?limit=20');
  $('decisions').tBodies[0].replaceChildren(...page.decisions.map((d) => decisionRow(d, false)));
}

async function loadAgents() {
  const { services } = await api('/v1/agents');
  $('agents').replaceChildren(
    ...(services.length === 0
      ? [Object.assign(document.createElement('li'), { textContent: 'no heartbeats yet' })]
      : services.map((s) => {
          const li = document.createElement('li');
          li.className = s.alive ? 'alive' : 'stale';
          li.textContent = `${s.alive ? '●' : '○'} ${s.service} (${s.liveInstances}/${s.instances.length} live)`;
          return li;
        })),
  );
}

async function loadBacktests() {
  const { backtests } = await api('/v1/backtests?limit=20');
  const token = await ensureAccessToken();
  $('backtests').tBodies[0].replaceChildren(
    ...backtests.map((b) => {
      const tr = document.createElement('tr');
      const report = document.createElement('td');
      if (b.hasReport) {
        const a = document.createElement('a');
        a.href = `/v1/backtests/${encodeURIComponent(b.id)}/report?token=${encodeURIComponent(token)}`;
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = 'tear sheet';
        report.append(a);
      } else {
        report.textContent = '–';
      }
      tr.append(cell(time(b.startedAt)), cell(b.status), report);
      return tr;
    }),
  );
}

async function openStream() {
  stream?.close();
  const token = await ensureAccessToken();
  stream = new EventSource(`/v1/stream?token=${encodeURIComponent(token)}`);
  stream.addEventListener('open', () => {
    $('stream-state').textContent = 'live';
    $('connection').textContent = 'connected';
    $('connection').className = 'badge ok';
  });
  stream.addEventListener('decision', (event) => addDecision(JSON.parse(event.data), true));
  stream.addEventListener('fill', () => void loadPortfolio().catch((e) => showError(e.message)));
  stream.addEventListener('error', () => {
    // The token may have expired (the browser retries with the same URL): reconnect with a fresh one.
    $('stream-state').textContent = 'reconnecting…';
    $('connection').className = 'badge';
    stream.close();
    accessToken = null;
    setTimeout(() => void openStream().catch((e) => showError(e.message)), 2_000);
  });
}

async function refresh() {
  await Promise.all([loadPortfolio(), loadAgents(), loadBacktests()]);
}

async function start() {
  if (!apiKey()) {
    $('key-form').hidden = false;
    return;
  }
  $('forget-key').hidden = false;
  try {
    await openStream();
    await Promise.all([refresh(), loadDecisions()]);
    showError(null);
  } catch (error) {
    showError(error.status === 401 ? 'The stored API key was refused; enter another.' : error.message);
    if (error.status === 401) {
      localStorage.removeItem(KEY_STORAGE);
      stream?.close();
      $('key-form').hidden = false;
      return;
    }
  }
  setInterval(() => void refresh().catch((e) => showError(e.message)), REFRESH_MS);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  localStorage.setItem(KEY_STORAGE, key);
  $('key-form').hidden = true;
  void start();
});
$('forget-key').addEventListener('click', () => {
  localStorage.removeItem(KEY_STORAGE);
  location.reload();
});

void start();

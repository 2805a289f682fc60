import { CHART_STYLES, chartHead, chartMarkup, chartScript } from './live-chart.js';
import { PLAN_BANNER_STYLES, planBannerMarkup } from './plan-broken-notice.js';
import type { BrokenPlanSchema } from './tracking-plan.js';
import { TRANSFORMED_SCRIPT, TRANSFORMED_STYLES } from './live-transformed.js';
import { WAREHOUSE_SCRIPT, WAREHOUSE_STYLES, warehouseMarkup } from './live-warehouse.js';

/**
 * `GET /live`: one self-contained page (no CDN, inline CSS and JS). Event content only ever reaches
 * the DOM through textContent, and the CSP nonce keeps anything else from running even if it did.
 */
export function livePage(nonce: string, brokenSchemas: readonly BrokenPlanSchema[] = [], views: { warehouse?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rudder dataplane · live events</title>
<style nonce="${nonce}">
  :root { --bg:#0f1115; --panel:#171a21; --line:#262a33; --fg:#e6e6e6; --dim:#8b93a1; --acc:#5ab0ff; }
  * { box-sizing: border-box; }
  body { margin:0; font:13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:var(--bg); color:var(--fg); }
  header { display:flex; gap:12px; align-items:center; padding:10px 14px; border-bottom:1px solid var(--line); flex-wrap:wrap; }
  header h1 { font-size:14px; margin:0 8px 0 0; }
  #status { padding:2px 8px; border-radius:10px; background:#3a2a2a; color:#ffb4b4; }
  #status.live { background:#1f3a2a; color:#9be7b4; }
  input, select { background:var(--panel); color:var(--fg); border:1px solid var(--line); border-radius:4px; padding:4px 6px; font:inherit; }
  main { display:grid; grid-template-columns: minmax(0, 5fr) minmax(300px, 2fr); height: calc(100vh - 270px); }
  #list { overflow:auto; border-right:1px solid var(--line); }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; max-width:260px; }
  /* The event table fits its pane whatever the content: fixed columns for the short fields, the rest shared
     (cut with an ellipsis; the JSON on click has it whole), and the plan verdict wraps rather than hides. */
  #list table { table-layout:fixed; }
  #list th, #list td { max-width:none; }
  #list th:nth-child(1) { width:calc(24ch + 16px); }
  #list th:nth-child(2) { width:calc(8ch + 16px); }
  #list th:nth-child(5) { width:calc(7ch + 16px); }
  #list th:nth-child(6) { width:calc(7ch + 16px); }
  #list th:nth-child(8) { width:calc(20ch + 16px); }
  #list td.plan { white-space:normal; }
  th { position:sticky; top:0; background:var(--panel); color:var(--dim); font-weight:normal; }
  tbody tr { cursor:pointer; }
  tbody tr:hover { background:#1c2029; }
  tbody tr.selected { background:#1d2a3a; }
  .t { color:var(--acc); }
  #detail { margin:0; padding:12px; overflow:auto; white-space:pre-wrap; word-break:break-all; }
  #count { color:var(--dim); }
  /* A verdict marks its whole row (a tint, a bar at its start, the verdict in its colour); hover and selection still show. */
  tr.violated { background:#2a2316; }
  tr.dropped { background:#2f1b1d; }
  tr.violated td:first-child { box-shadow:inset 3px 0 #ffb86b; }
  tr.dropped td:first-child { box-shadow:inset 3px 0 #ff6b6b; }
  tr.violated td.plan { color:#ffb86b; }
  tr.dropped td.plan { color:#ff6b6b; }
${CHART_STYLES}${PLAN_BANNER_STYLES}${TRANSFORMED_STYLES}${WAREHOUSE_STYLES}</style>
${chartHead(nonce)}
</head>
<body>
<header>
  <h1>live events</h1>
  <span id="status">connecting</span>
  <label>type <select id="filter-type">
    <option value="">all</option><option>identify</option><option>track</option><option>page</option>
    <option>screen</option><option>group</option><option>alias</option>
  </select></label>
  <label>user <input id="filter-user" placeholder="userId or anonymousId"></label>
  <label>event <input id="filter-event" placeholder="event or page name"></label>
  <span id="count"></span>
</header>
${planBannerMarkup(brokenSchemas)}${chartMarkup()}
<main>
  <div id="list">
    <table>
      <thead><tr><th>received</th><th>type</th><th>event / name</th><th>user</th><th>source</th><th>channel</th><th>library</th><th>plan</th><th class="tx">transformed</th></tr></thead>
      <tbody id="events"></tbody>
    </table>
  </div>
  <pre id="detail">Click an event to see its JSON.</pre>
</main>
${views.warehouse ? warehouseMarkup() : ''}
<script nonce="${nonce}">
${chartScript()}
</script>
<script nonce="${nonce}">
(() => {
  'use strict';
  const MAX_ROWS = 2000;
  const tbody = document.getElementById('events');
  const detail = document.getElementById('detail');
  const statusEl = document.getElementById('status');
  const countEl = document.getElementById('count');
  const fType = document.getElementById('filter-type');
  const fUser = document.getElementById('filter-user');
  const fEvent = document.getElementById('filter-event');
  const byId = new Map();
  let lastId = 0;
  let selected = null;

  const cell = (text, cls) => {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (cls) td.className = cls;
    return td;
  };

  // Where an event came from: web (a browser SDK), server, mobile… as the client says; the SDK that sent it.
  const channelOf = (p) => (p && typeof p.channel === 'string' ? p.channel : '');
  const libraryOf = (p) => {
    const lib = p && p.context && typeof p.context === 'object' ? p.context.library : undefined;
    if (!lib || typeof lib !== 'object' || typeof lib.name !== 'string') return '';
    return typeof lib.version === 'string' ? lib.name + ' ' + lib.version : lib.name;
  };
  // With --tracking-plan: the verdict from the data plane's own columns (e.plan), never from fields a client
  // could send. The stored context's violations only fill the hover text, read defensively: any entry may
  // be malformed, and a row must show whatever its payload holds.
  const describe = (v) => {
    if (!v || typeof v !== 'object') return String(v);
    const path = v.meta && typeof v.meta === 'object' && typeof v.meta.instancePath === 'string' ? v.meta.instancePath : '';
    return String(v.type) + (path ? ' ' + path : '') + ': ' + String(v.message);
  };
  const planCell = (e, tr) => {
    const plan = e.plan && typeof e.plan === 'object' ? e.plan : null;
    const types = plan && Array.isArray(plan.violations) ? plan.violations : [];
    let text = '';
    if (plan && plan.dropped) text = 'dropped: ' + plan.dropped;
    else if (types.length) text = types.length + ' violation' + (types.length > 1 ? 's' : '') + ': ' + types[0];
    else if (plan) text = 'ok';
    if (plan && (plan.dropped || types.length)) tr.classList.add(plan.dropped ? 'dropped' : 'violated');
    const td = cell(text, 'plan');
    const p = e.payload && typeof e.payload === 'object' ? e.payload : {};
    const list = p.context && typeof p.context === 'object' && Array.isArray(p.context.violationErrors) ? p.context.violationErrors : [];
    if (plan && list.length) td.title = list.map(describe).join('\\n');
    return td;
  };

  const visible = (e) => {
    const type = fType.value;
    const user = fUser.value.trim().toLowerCase();
    const name = fEvent.value.trim().toLowerCase();
    if (type && e.type !== type) return false;
    if (user && !((e.userId || '').toLowerCase().includes(user) || (e.anonymousId || '').toLowerCase().includes(user))) return false;
    if (name && !(e.event || '').toLowerCase().includes(name)) return false;
    return true;
  };

  const updateCount = () => {
    let shown = 0;
    for (const tr of tbody.children) if (!tr.hidden) shown++;
    countEl.textContent = shown + ' shown / ' + tbody.children.length + ' loaded';
  };

  const select = (tr) => {
    if (selected) selected.classList.remove('selected');
    selected = tr;
    tr.classList.add('selected');
    const e = byId.get(Number(tr.dataset.id));
    detail.textContent = JSON.stringify(e.payload, null, 2);
  };

  const add = (e) => {
    if (byId.has(e.id)) return;
    byId.set(e.id, e);
    document.dispatchEvent(new CustomEvent('rudder:event', { detail: e }));
    if (e.id > lastId) lastId = e.id;
    const tr = document.createElement('tr');
    tr.dataset.id = String(e.id);
    tr.append(cell(e.receivedAt), cell(e.type, 't'), cell(e.event), cell(e.userId || e.anonymousId), cell(e.source),
      cell(channelOf(e.payload)), cell(libraryOf(e.payload)), planCell(e, tr), cell('', 'tx'));
    tr.hidden = !visible(e);
    tr.addEventListener('click', () => select(tr));
    // Keep newest first whatever order rows arrive in.
    let before = tbody.firstElementChild;
    while (before && Number(before.dataset.id) > e.id) before = before.nextElementSibling;
    tbody.insertBefore(tr, before);
    while (tbody.children.length > MAX_ROWS) {
      const old = tbody.lastElementChild;
      byId.delete(Number(old.dataset.id));
      old.remove();
    }
  };

  const refilter = () => {
    for (const tr of tbody.children) tr.hidden = !visible(byId.get(Number(tr.dataset.id)));
    updateCount();
  };
  fType.addEventListener('change', refilter);
  fUser.addEventListener('input', refilter);
  fEvent.addEventListener('input', refilter);

  // The stream resumes from the newest row this page has (never from the start), and a stream that keeps
  // failing is retried less and less often (1 s doubling to 30 s), not in a tight loop.
  let failures = 0;
  const connect = () => {
    const es = new EventSource('/api/events/stream?since=' + lastId);
    es.onopen = () => { failures = 0; statusEl.textContent = 'live'; statusEl.className = 'live'; };
    es.onerror = () => {
      es.close();
      statusEl.textContent = 'reconnecting'; statusEl.className = '';
      const delay = Math.min(30000, 1000 * 2 ** failures++);
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
    es.onmessage = (m) => {
      try { add(JSON.parse(m.data)); } catch (err) { console.warn('live page: skipped an event it could not show', err); }
      updateCount();
    };
  };

  // One page of the newest events (the server bounds it in bytes as well as rows), then live from there.
  fetch('/api/events?limit=500')
    .then((r) => r.json())
    .then((body) => { for (const e of body.events.reverse()) { try { add(e); } catch (err) { console.warn('live page: skipped an event it could not show', err); } } updateCount(); })
    .catch(() => {})
    .finally(connect);
})();
</script>
<script nonce="${nonce}">
${TRANSFORMED_SCRIPT}
</script>
${views.warehouse ? `<script nonce="${nonce}">\n${WAREHOUSE_SCRIPT}\n</script>\n` : ''}</body>
</html>
`;
}

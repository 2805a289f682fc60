import { CHART_STYLES, chartHead, chartMarkup, chartScript } from './live-chart.js';
import { TRANSFORMED_SCRIPT, TRANSFORMED_STYLES } from './live-transformed.js';

/**
 * `GET /live`: one self-contained page (no CDN, inline CSS and JS). Event content only ever reaches
 * the DOM through textContent, and the CSP nonce keeps anything else from running even if it did.
 */
export function livePage(nonce: string): string {
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
  main { display:grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); height: calc(100vh - 270px); }
  #list { overflow:auto; border-right:1px solid var(--line); }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; max-width:260px; }
  th { position:sticky; top:0; background:var(--panel); color:var(--dim); font-weight:normal; }
  tbody tr { cursor:pointer; }
  tbody tr:hover { background:#1c2029; }
  tbody tr.selected { background:#1d2a3a; }
  .t { color:var(--acc); }
  #detail { margin:0; padding:12px; overflow:auto; white-space:pre-wrap; word-break:break-all; }
  #count { color:var(--dim); }
  tr.violated td.plan { color:#ffb86b; }
  tr.dropped td.plan { color:#ff6b6b; }
${CHART_STYLES}${TRANSFORMED_STYLES}</style>
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
${chartMarkup()}
<main>
  <div id="list">
    <table>
      <thead><tr><th>received</th><th>type</th><th>event / name</th><th>user</th><th>source</th><th>channel</th><th>library</th><th>plan</th><th class="tx">transformed</th></tr></thead>
      <tbody id="events"></tbody>
    </table>
  </div>
  <pre id="detail">Click an event to see its JSON.</pre>
</main>
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
  const channelOf = (p) => (typeof p.channel === 'string' ? p.channel : '');
  const libraryOf = (p) => {
    const lib = p.context && typeof p.context === 'object' ? p.context.library : undefined;
    if (!lib || typeof lib !== 'object' || typeof lib.name !== 'string') return '';
    return typeof lib.version === 'string' ? lib.name + ' ' + lib.version : lib.name;
  };
  // With --tracking-plan: the verdict, as the stored context (and the dropped marker) carry it.
  const planCell = (e, tr) => {
    const p = e.payload || {};
    const ctx = p.context && typeof p.context === 'object' ? p.context : {};
    const list = Array.isArray(ctx.violationErrors) ? ctx.violationErrors : null;
    const dropped = p.trackingPlanVerdict && p.trackingPlanVerdict.dropEvent === true;
    let text = '';
    if (dropped) text = 'dropped: ' + p.trackingPlanVerdict.violationType;
    else if (list && list.length) text = list.length + ' violation' + (list.length > 1 ? 's' : '') + ': ' + list[0].type;
    else if (list) text = 'ok';
    if (dropped || (list && list.length)) tr.classList.add(dropped ? 'dropped' : 'violated');
    const td = cell(text, 'plan');
    if (list && list.length) td.title = list.map((v) => v.type + ' ' + (v.meta && v.meta.instancePath || '') + ': ' + v.message).join('\\n');
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

  const connect = () => {
    const es = new EventSource('/api/events/stream?since=' + lastId);
    es.onopen = () => { statusEl.textContent = 'live'; statusEl.className = 'live'; };
    es.onerror = () => { statusEl.textContent = 'reconnecting'; statusEl.className = ''; };
    es.onmessage = (m) => { add(JSON.parse(m.data)); updateCount(); };
  };

  fetch('/api/events?limit=500')
    .then((r) => r.json())
    .then((body) => { for (const e of body.events.reverse()) add(e); updateCount(); })
    .catch(() => {})
    .finally(connect);
})();
</script>
<script nonce="${nonce}">
${TRANSFORMED_SCRIPT}
</script>
</body>
</html>
`;
}

/**
 * The live page's overview: events per second by type over the last minutes, drawn by uPlot (a small
 * charting library, an npm dependency of this package served from node_modules by the data plane
 * itself, never a CDN), and counts by event name. The page hands every new event to this part as a
 * `rudder:event` DOM event, so the rows and the overview stay separate.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

/** Where the page loads uPlot from, under the data plane's own origin (the CSP allows nothing else). */
export const CHART_ASSET_PREFIX = '/live/assets/';

const ASSETS: Record<string, { module: string; type: string }> = {
  'uPlot.iife.min.js': { module: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { module: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};
const loaded = new Map<string, Buffer>();

/** Answers `GET /live/assets/<name>` with one of uPlot's two files; any other name is a 404 (false). */
export function serveChartAsset(path: string, res: ServerResponse): boolean {
  const name = path.slice(CHART_ASSET_PREFIX.length);
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return false;
  let body = loaded.get(name);
  if (!body) {
    body = readFileSync(createRequire(import.meta.url).resolve(asset.module));
    loaded.set(name, body);
  }
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': String(body.length),
    'Cache-Control': 'public, max-age=3600',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
  return true;
}

/** The tags that load uPlot, carrying the page's CSP nonce. */
export function chartHead(nonce: string): string {
  return `<link rel="stylesheet" nonce="${nonce}" href="${CHART_ASSET_PREFIX}uPlot.min.css">
<script nonce="${nonce}" src="${CHART_ASSET_PREFIX}uPlot.iife.min.js"></script>`;
}

/** Seconds of history the chart shows. */
export const CHART_WINDOW_SECONDS = 300;

export const CHART_STYLES = `
  #overview { display:grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); height:220px; border-bottom:1px solid var(--line); }
  #chart-panel { padding:6px 10px; border-right:1px solid var(--line); min-width:0; }
  #chart-types { list-style:none; margin:0 0 4px; padding:0; display:flex; gap:14px; flex-wrap:wrap; color:var(--dim); }
  #chart-types .swatch { display:inline-block; width:10px; height:10px; margin-right:4px; border-radius:2px; }
  #chart-types .n { color:var(--fg); }
  #names-panel { overflow:auto; }
  #names-panel td.n { text-align:right; }
  .uplot { width:100%; }
`;

export function chartMarkup(): string {
  return `<section id="overview">
  <div id="chart-panel">
    <ul id="chart-types" aria-label="events in the last ${CHART_WINDOW_SECONDS / 60} minutes by type"></ul>
    <div id="chart"></div>
  </div>
  <div id="names-panel">
    <table>
      <thead><tr><th>event / name</th><th>type</th><th>count</th></tr></thead>
      <tbody id="by-name"></tbody>
    </table>
  </div>
</section>`;
}

/**
 * The browser side. Counts per second and type come from each event's `receivedAt`; the chart slides
 * once a second and redraws at most four times a second while events arrive. Names reach the DOM
 * through textContent only.
 */
export function chartScript(): string {
  return `(() => {
  'use strict';
  const WINDOW = ${CHART_WINDOW_SECONDS};
  const TOP_NAMES = 25;
  const TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'];
  const COLORS = { track:'#5ab0ff', identify:'#9be7b4', page:'#ffd166', screen:'#f78c6b', group:'#c792ea', alias:'#8b93a1' };
  const perSecond = new Map();   // unix second -> { type: count }
  const byName = new Map();      // type + NUL + name -> { type, name, count }
  const chartEl = document.getElementById('chart');
  const typesEl = document.getElementById('chart-types');
  const namesEl = document.getElementById('by-name');
  const typeCounts = {};

  for (const type of TYPES) {
    const li = document.createElement('li');
    li.dataset.type = type;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = COLORS[type];
    const n = document.createElement('span');
    n.className = 'n';
    li.append(swatch, type + ' ', n);
    typesEl.append(li);
    typeCounts[type] = n;
  }

  const now = () => Math.floor(Date.now() / 1000);
  const data = () => {
    const end = now();
    const xs = [];
    const ys = TYPES.map(() => []);
    const totals = TYPES.map(() => 0);
    for (let t = end - WINDOW + 1; t <= end; t++) {
      xs.push(t);
      const bucket = perSecond.get(t);
      TYPES.forEach((type, i) => {
        const v = bucket ? bucket[type] || 0 : 0;
        ys[i].push(v);
        totals[i] += v;
      });
    }
    for (const t of perSecond.keys()) if (t <= end - WINDOW) perSecond.delete(t);
    TYPES.forEach((type, i) => { typeCounts[type].textContent = String(totals[i]); });
    return [xs, ...ys];
  };

  const axis = { stroke:'#8b93a1', grid:{ stroke:'#262a33', width:1 }, ticks:{ stroke:'#262a33', width:1 } };
  const plot = new uPlot({
    width: Math.max(chartEl.clientWidth, 200),
    height: 160,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [axis, { ...axis, label: 'events / s', labelSize: 14, size: 44 }],
    series: [{}, ...TYPES.map((type) => ({ label: type, stroke: COLORS[type], width: 1.5, points: { show: false } }))],
  }, data(), chartEl);
  new ResizeObserver(() => plot.setSize({ width: Math.max(chartEl.clientWidth, 200), height: 160 })).observe(chartEl);

  const renderNames = () => {
    const rows = [...byName.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, TOP_NAMES);
    namesEl.replaceChildren(...rows.map((r) => {
      const tr = document.createElement('tr');
      for (const [text, cls] of [[r.name, ''], [r.type, 't'], [String(r.count), 'n']]) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }));
  };

  let pending = false;
  const redraw = () => { plot.setData(data()); renderNames(); };
  const soon = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; redraw(); }, 250);
  };

  document.addEventListener('rudder:event', (m) => {
    const e = m.detail;
    const second = Math.floor(Date.parse(e.receivedAt) / 1000);
    if (second > now() - WINDOW) {
      const bucket = perSecond.get(second) || {};
      bucket[e.type] = (bucket[e.type] || 0) + 1;
      perSecond.set(second, bucket);
    }
    const name = e.event || '(' + e.type + ')';
    const key = e.type + '\\u0000' + name;
    const entry = byName.get(key) || { type: e.type, name, count: 0 };
    entry.count++;
    byName.set(key, entry);
    soon();
  });
  setInterval(redraw, 1000);
})();`;
}

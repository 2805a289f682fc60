/**
 * The live page's view of the warehouse stage (`--warehouse`), under the event list: the tables with
 * their row counts, the selected table's columns with RudderStack's type and the SQL type, the latest
 * rudder_discards rows (table, column, value, reason) and the events the rules refused. It reads
 * `GET /api/warehouse` when the page opens, again after events arrive, and until the load has caught
 * up with the newest event the page holds. The page has the view only when the data plane loads a
 * warehouse (so a page without one never asks for the route and gets its 404). Table and
 * column names and values come from events: they only ever reach the DOM through textContent.
 */
export const WAREHOUSE_STYLES = `
  #warehouse { border-top:1px solid var(--line); padding:8px 14px 14px; }
  #warehouse h2 { font-size:13px; margin:0 0 8px; font-weight:normal; color:var(--dim); }
  #warehouse h2 b { color:var(--fg); font-weight:normal; }
  #wh-error { color:#ff6b6b; }
  #wh-grid { display:grid; grid-template-columns:minmax(0, 2fr) minmax(0, 3fr) minmax(0, 4fr); gap:14px; }
  #wh-grid > div { max-height:320px; overflow:auto; min-width:0; }
  #warehouse h3 { font-size:12px; margin:0 0 4px; color:var(--dim); font-weight:normal; }
  #warehouse table { table-layout:fixed; }
  #warehouse td, #warehouse th { max-width:none; }
  #wh-tables tbody tr.selected { background:#1d2a3a; }
  #warehouse .n { text-align:right; }
  /* Short fields get fixed widths; names and values share the rest (whole in the hover text). */
  #wh-tables th:nth-child(2), #wh-tables th:nth-child(3) { width:calc(8ch + 16px); }
  #wh-columns th:nth-child(2) { width:calc(9ch + 16px); }
  #wh-columns th:nth-child(3) { width:calc(25ch + 16px); }
  #wh-discards th:nth-child(4), #wh-refused th:nth-child(3) { width:40%; }
  #warehouse td.reason { white-space:normal; color:#ffb86b; }
  #warehouse .empty td { color:var(--dim); cursor:default; }
`;

/** The view's markup: hidden until the first answer fills it. */
export function warehouseMarkup(): string {
  return `<section id="warehouse" hidden aria-label="warehouse">
  <h2>warehouse <b id="wh-target"></b> · <span id="wh-progress"></span> <span id="wh-error"></span></h2>
  <div id="wh-grid">
    <div>
      <table id="wh-tables">
        <thead><tr><th>table</th><th class="n">rows</th><th class="n">columns</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <div>
      <table id="wh-columns">
        <thead><tr><th>column of <span id="wh-columns-of"></span></th><th>type</th><th>SQL type</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <div>
      <h3>latest discards (rudder_discards)</h3>
      <table id="wh-discards">
        <thead><tr><th>table</th><th>column</th><th>value</th><th>reason</th></tr></thead>
        <tbody></tbody>
      </table>
      <h3>refused events</h3>
      <table id="wh-refused">
        <thead><tr><th>messageId</th><th>received</th><th>reason</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </div>
</section>`;
}

export const WAREHOUSE_SCRIPT = `
(() => {
  'use strict';
  const view = document.getElementById('warehouse');
  const tablesBody = document.querySelector('#wh-tables tbody');
  const columnsBody = document.querySelector('#wh-columns tbody');
  const discardsBody = document.querySelector('#wh-discards tbody');
  const refusedBody = document.querySelector('#wh-refused tbody');
  let selectedTable = null;
  let newestEvent = 0;
  let timer = null;
  let last = null;

  const text = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cell = (value, cls) => {
    const td = document.createElement('td');
    td.textContent = text(value);
    td.title = td.textContent;
    if (cls) td.className = cls;
    return td;
  };
  const row = (cells) => {
    const tr = document.createElement('tr');
    tr.append(...cells);
    return tr;
  };
  const empty = (body, columns, message) => {
    const td = cell(message);
    td.colSpan = columns;
    const tr = row([td]);
    tr.className = 'empty';
    body.replaceChildren(tr);
  };
  // rudder_discards columns are named in the warehouse's case (upper case with Snowflake's rules).
  const field = (r, name) => {
    for (const k of Object.keys(r)) if (k.toLowerCase() === name) return r[k];
    return undefined;
  };

  const showColumns = () => {
    const t = last && last.tables.find((x) => x.table === selectedTable);
    document.getElementById('wh-columns-of').textContent = t ? t.table : '';
    if (!t) return empty(columnsBody, 3, 'select a table');
    columnsBody.replaceChildren(...t.columns.map((c) => row([cell(c.name), cell(c.type), cell(c.sqlType)])));
  };

  const render = (w) => {
    last = w;
    view.hidden = false;
    document.getElementById('wh-target').textContent = w.target + ' (' + w.flavour + ' rules, ' + w.input + ')';
    document.getElementById('wh-progress').textContent =
      'loaded up to event #' + w.cursor + ' · ' + w.tables.length + ' tables · ' + w.discarded + ' discarded, ' + w.refused + ' refused since start';
    document.getElementById('wh-error').textContent = w.error ? 'load failing, retrying: ' + w.error : '';
    if (!w.tables.some((t) => t.table === selectedTable)) selectedTable = w.tables.length ? w.tables[0].table : null;
    if (w.tables.length === 0) empty(tablesBody, 3, 'no tables yet');
    else {
      tablesBody.replaceChildren(...w.tables.map((t) => {
        const tr = row([cell(t.table), cell(t.rows, 'n'), cell(t.columns.length, 'n')]);
        tr.dataset.table = t.table;
        if (t.table === selectedTable) tr.classList.add('selected');
        return tr;
      }));
    }
    showColumns();
    if (w.discards.length === 0) empty(discardsBody, 4, 'none');
    else {
      discardsBody.replaceChildren(...w.discards.map((d) =>
        row([cell(field(d, 'table_name')), cell(field(d, 'column_name')), cell(field(d, 'column_value')), cell(field(d, 'reason'), 'reason')])));
    }
    if (w.refusedEvents.length === 0) empty(refusedBody, 3, 'none');
    else refusedBody.replaceChildren(...w.refusedEvents.map((r) => row([cell(r.message_id), cell(r.received_at), cell(r.reason, 'reason')])));
  };

  const schedule = (ms) => { if (timer === null) timer = setTimeout(refresh, ms); };

  // Asked again while the load is behind the newest event the page has seen, or while it fails.
  function refresh() {
    timer = null;
    fetch('/api/warehouse')
      .then((r) => {
        if (!r.ok) throw new Error('status ' + r.status);
        return r.json();
      })
      .then((w) => {
        render(w);
        if (w.error || w.cursor < newestEvent) schedule(1000);
      })
      .catch(() => schedule(3000));
  }

  tablesBody.addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr');
    if (!tr || !tr.dataset.table) return;
    selectedTable = tr.dataset.table;
    for (const other of tablesBody.children) other.classList.toggle('selected', other === tr);
    showColumns();
  });
  document.addEventListener('rudder:event', (ev) => {
    if (ev.detail.id > newestEvent) newestEvent = ev.detail.id;
    // At most one listing a second: each one counts every table's rows, between the stage's loads.
    schedule(1000);
  });
  refresh();
})();
`;

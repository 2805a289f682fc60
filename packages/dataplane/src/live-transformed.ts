/**
 * The live page's view of the transformation stage: a `transformed` column (transformed, split into N,
 * dropped, failed: <error>) and, under the selected event's JSON as received, what it became (outputs
 * or error, and its log lines). It reads `GET /api/transformed?ids=…` for the rows the page shows and
 * asks again for those still pending; without a transformation the column is hidden. Text only ever
 * reaches the DOM through textContent.
 */
export const TRANSFORMED_STYLES = `
  body.no-transformation .tx { display:none; }
  td.tx { color:var(--dim); }
  tr.tx-transformed td.tx { color:#9be7b4; }
  tr.tx-split td.tx { color:#5ab0ff; }
  tr.tx-dropped td.tx { color:#ffb86b; }
  tr.tx-failed td.tx { color:#ff6b6b; }
`;

export const TRANSFORMED_SCRIPT = `
(() => {
  'use strict';
  const tbody = document.getElementById('events');
  const detail = document.getElementById('detail');
  const outcomes = new Map();
  const pending = new Set();
  let enabled = null;
  let timer = null;
  let selectedId = null;

  const label = (o) => {
    const outputs = o.results.filter((r) => r.output).length;
    if (o.status === 'split') return 'split into ' + outputs;
    if (o.status === 'failed') {
      const failed = o.results.find((r) => r.error !== undefined);
      return 'failed: ' + (failed ? String(failed.error).split('\\n')[0] : '');
    }
    return o.status;
  };

  const paint = (id) => {
    const tr = tbody.querySelector('tr[data-id="' + id + '"]');
    const o = outcomes.get(id);
    if (!tr) return;
    const td = tr.querySelector('td.tx');
    if (!td) return;
    if (!o) { td.textContent = enabled ? 'pending' : ''; return; }
    td.textContent = label(o);
    td.title = o.logs.join('\\n');
    tr.classList.add('tx-' + o.status);
  };

  const describe = (o) => {
    if (!o) return '\\n\\n── as transformed: pending ──';
    const parts = ['\\n\\n── as transformed: ' + label(o) + ' ──'];
    for (const r of o.results) {
      if (r.output) parts.push(JSON.stringify(r.output, null, 2));
      else if (r.error !== undefined) parts.push('statusCode ' + r.statusCode + '\\n' + r.error);
      else parts.push('statusCode ' + r.statusCode + ' (dropped by the transformation)');
    }
    if (o.logs.length) parts.push('── logs ──\\n' + o.logs.join('\\n'));
    return parts.join('\\n');
  };

  const received = () => {
    const text = detail.textContent;
    const at = text.indexOf('\\n\\n── as transformed');
    return at < 0 ? text : text.slice(0, at);
  };

  const showDetail = () => {
    if (selectedId === null || !enabled) return;
    detail.textContent = '── as received ──\\n' + received().replace(/^── as received ──\\n/, '') + describe(outcomes.get(selectedId));
  };

  const schedule = (ms) => { if (timer === null) timer = setTimeout(poll, ms); };

  function poll() {
    timer = null;
    const ids = [...pending].slice(0, 500);
    if (ids.length === 0) return;
    fetch('/api/transformed?ids=' + ids.join(','))
      .then((r) => r.json())
      .then((body) => {
        if (!body.enabled) {
          enabled = false;
          pending.clear();
          document.body.classList.add('no-transformation');
          return;
        }
        enabled = true;
        for (const o of body.transformed) {
          outcomes.set(o.id, o);
          pending.delete(o.id);
        }
        for (const id of ids) paint(id);
        if (ids.includes(selectedId)) showDetail();
        if (pending.size) schedule(1000);
      })
      .catch(() => schedule(2000));
  }

  document.addEventListener('rudder:event', (ev) => {
    if (enabled === false) return;
    pending.add(ev.detail.id);
    schedule(100);
  });
  // After the row's own click handler has shown the event as received.
  tbody.addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr');
    if (!tr) return;
    selectedId = Number(tr.dataset.id);
    showDetail();
  });
})();
`;

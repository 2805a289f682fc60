// How the report writes numbers: a dash for what was not measured.

/** `x` with `d` decimals. */
export const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
/** `x` rounded, with thousands separators. */
export const fi = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');

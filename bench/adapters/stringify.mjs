// Calibration: track() only JSON.stringify's the event and keeps the string (no sending).
export async function create() {
  let keep = [];
  return { track(ev) { keep.push(JSON.stringify(ev)); if (keep.length >= 1000) keep = []; }, async finish() { return {}; } };
}

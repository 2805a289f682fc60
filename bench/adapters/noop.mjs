// Calibration: track() does nothing; shows what the driver and the timer themselves cost.
export async function create() {
  let x = 0;
  return {
    track(ev) {
      x += ev.event.length;
    },
    async finish() {
      return { x };
    },
  };
}

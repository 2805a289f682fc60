/** Where the data plane reports. Messages never contain a write key (only masked forms). */
export interface DataPlaneLogger {
  /** Requests refused, the startup banner. */
  info(message: string): void;
  /** Something unusual the data plane recovered from. */
  warn(message: string): void;
  /** A failure: events could not be stored. */
  error(message: string): void;
}

export const consoleLogger: DataPlaneLogger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

export const silentLogger: DataPlaneLogger = { info() {}, warn() {}, error() {} };

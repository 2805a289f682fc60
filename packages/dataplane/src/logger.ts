/** Where the data plane reports. Messages never contain a write key (only masked forms). */
export interface DataPlaneLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: DataPlaneLogger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

export const silentLogger: DataPlaneLogger = { info() {}, warn() {}, error() {} };

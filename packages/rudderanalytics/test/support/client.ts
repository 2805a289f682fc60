/** Shared set-up for SDK tests: a client pointed at a test server, with a logger that records instead of printing. */
import { RudderAnalytics, type LoadOptions } from '../../src/index.js';

export const WRITE_KEY = 'wk_test_4c1d9e';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export function testClient(url: string, options: LoadOptions = {}): { client: RudderAnalytics; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const logger = {
    debug: (message: string) => logs.push({ level: 'debug', message }),
    info: (message: string) => logs.push({ level: 'info', message }),
    warn: (message: string) => logs.push({ level: 'warn', message }),
    error: (message: string) => logs.push({ level: 'error', message }),
  };
  const client = RudderAnalytics.load(WRITE_KEY, url, { flushOnExit: false, logger, ...options });
  return { client, logs };
}

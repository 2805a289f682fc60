/**
 * A real data plane for reliability tests: the local gateway-compatible one, in-process. It must be
 * built (`npm run build`); a missing build fails the test rather than quietly testing against less.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDataPlane } from '@rudderanalytics/dataplane';

export interface StoredPlane {
  url: string;
  /** messageIds of every event stored, in arrival order. */
  storedIds(): string[];
  /** Every stored event as the server kept it. */
  storedEvents(): Record<string, unknown>[];
  close(): Promise<void>;
  /** Log lines the data plane wrote. */
  logs: string[];
}

export async function startStoredPlane(writeKey: string): Promise<StoredPlane> {
  const logs: string[] = [];
  // A file, not ':memory:': the data plane writes from a worker thread with its own connection.
  const dir = mkdtempSync(join(tmpdir(), 'rudder-reliability-'));
  const line = (level: string) => (message: string) => logs.push(`${level} ${message}`);
  const dp = await startDataPlane({
    port: 0,
    host: '127.0.0.1',
    dbPath: join(dir, 'events.db'),
    devWriteKey: false,
    writeKeys: [writeKey],
    logger: { info: line('info'), warn: line('warn'), error: line('error') },
  });
  const all = () => dp.events({ limit: 1_000_000, order: 'asc' }).map((row) => row.payload);
  return {
    url: dp.url,
    storedIds: () => all().map((e) => String(e.messageId)),
    storedEvents: all,
    close: async () => {
      await dp.close();
      rmSync(dir, { recursive: true, force: true });
    },
    logs,
  };
}

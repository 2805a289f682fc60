/**
 * A real data plane for reliability tests: the local gateway-compatible one when it is built, else the
 * fault server answering 200 (the suite must still run while the data plane package is unbuilt; the
 * test prints which one it used).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultServer } from '../../support/fault-server.ts';

export interface StoredPlane {
  kind: 'dataplane' | 'fault-server';
  url: string;
  /** messageIds of every event stored, in arrival order. */
  storedIds(): string[];
  /** Every stored event as the server kept it. */
  storedEvents(): Record<string, unknown>[];
  close(): Promise<void>;
  /** Log lines the server wrote (the data plane's logger; nothing for the fault server). */
  logs: string[];
}

export async function startStoredPlane(writeKey: string): Promise<StoredPlane> {
  const logs: string[] = [];
  let dataplane: typeof import('@rudderanalytics/dataplane') | undefined;
  try {
    dataplane = await import('@rudderanalytics/dataplane');
  } catch {
    dataplane = undefined;
  }
  if (dataplane?.startDataPlane) {
    // A file, not ':memory:': the data plane writes from a worker thread with its own connection.
    const dir = mkdtempSync(join(tmpdir(), 'rudder-reliability-'));
    const line = (level: string) => (message: string) => logs.push(`${level} ${message}`);
    const dp = await dataplane.startDataPlane({
      port: 0,
      host: '127.0.0.1',
      dbPath: join(dir, 'events.db'),
      devWriteKey: false,
      writeKeys: [writeKey],
      logger: { info: line('info'), warn: line('warn'), error: line('error') },
    });
    const all = () => dp.events({ limit: 1_000_000, order: 'asc' }).map((row) => row.payload);
    return {
      kind: 'dataplane',
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
  const server = await startFaultServer();
  return {
    kind: 'fault-server',
    url: server.url,
    storedIds: () => server.delivered().map((e) => String(e.messageId)),
    storedEvents: () => server.delivered(),
    close: () => server.close(),
    logs,
  };
}

/** A local data plane for one example test file: port 0, a scratch database, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';

export interface ExampleDataPlane {
  dataPlane: DataPlane;
  /** One write key per source name, so each example's events are told apart. */
  keys: Record<string, string>;
  close(): Promise<void>;
}

export async function startExampleDataPlane(sources: readonly string[]): Promise<ExampleDataPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-examples-'));
  const keys = Object.fromEntries(sources.map((name) => [name, `wk-example-${name}-${process.pid}`]));
  const dataPlane = await startDataPlane({
    port: 0,
    dbPath: join(dir, 'events.db'),
    quiet: true,
    devWriteKey: false,
    writeKeys: sources.map((name) => ({ name, writeKey: keys[name] })),
  });
  return {
    dataPlane,
    keys,
    close: async () => {
      await dataPlane.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

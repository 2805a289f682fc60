/**
 * The public surface, per entry point, as the built package gives it: a change to what users can import
 * is deliberate (this list changes with it, and the README documents it). Helpers that only tests and
 * benchmarks use are imported from their modules, never from an entry point.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

const SURFACE: Record<string, string[]> = {
  rudderanalytics: [
    'ClosedError',
    'ConfigError',
    'DeliveryError',
    'DroppedError',
    'GATEWAY_MAX_BODY_BYTES',
    'PluginError',
    'RudderAnalytics',
    'RudderError',
    'TimeoutError',
    'ValidationError',
    'createTestClient',
  ],
  'rudderanalytics/node': ['FileStore', 'StoreLockedError', 'readDeadLetters', 'replayDeadLetters', 'replayableEvent'],
  'rudderanalytics/redis': ['RedisStore'],
  // Not documented for users: the CLI's door to the SDK's batch rule, its warnings, its write-key mask and the event types (@internal).
  'rudderanalytics/internal': ['EVENT_TYPES', 'batchDefaultsOf', 'batchFieldWarnings', 'maskKey', 'redactor', 'strictRefusal', 'withBatchDefaults'],
};

for (const [entry, names] of Object.entries(SURFACE)) {
  test(`${entry} exports exactly its documented names`, async () => {
    const module = (await import(entry)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), names);
  });
}

test('every error class of the SDK is a RudderError with a stable code of its own', async () => {
  const sdk = await import('rudderanalytics');
  const { StoreLockedError } = await import('rudderanalytics/node');
  const samples = [
    new sdk.ValidationError('userId', 'is required'),
    new sdk.ConfigError('bad'),
    new sdk.DeliveryError({ reason: 'rejected', status: 400, messageIds: ['m'], attempts: 1 }),
    new sdk.DroppedError('queue_full', ['m']),
    new sdk.DroppedError('closed', ['m']),
    new sdk.ClosedError(),
    new sdk.TimeoutError(10),
    new sdk.PluginError('redact', 'm', 'threw'),
    new StoreLockedError('/tmp/x', 1, '/tmp/x/lock'),
  ];
  for (const error of samples) assert.ok(error instanceof sdk.RudderError, error.name);
  const codes = samples.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length, `codes shared: ${codes.join(', ')}`);
});

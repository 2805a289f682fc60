/** The SDK client as the CLI configures it: flags mapped to SDK options, its log lines redacted to stderr. */
import { RudderAnalytics, type LoadOptions, type Logger } from 'rudderanalytics';
import { int, type Values } from './args.js';
import type { Target } from './config.js';
import { stderr } from './output.js';

export interface ClientSettings {
  /** Default attempts per batch when --max-attempts is not given. */
  maxAttempts: number;
  /** Validate only: nothing is queued or sent. */
  dryRun?: boolean;
  flushInterval?: number;
  maxQueueSize?: number;
  /** Debug lines (retries) go to stderr too. */
  verbose?: boolean;
}

export function sdkOptions(values: Values, settings: ClientSettings): LoadOptions {
  const logger: Logger = {
    warn: (m) => stderr.write(`warning: ${m}\n`),
    error: (m) => stderr.write(`error: ${m}\n`),
    ...(settings.verbose ? { debug: (m: string) => stderr.write(`${m}\n`) } : {}),
  };
  const options: LoadOptions = {
    gzip: values['no-gzip'] !== true,
    flushOnExit: false,
    logger,
    enable: settings.dryRun !== true,
    retry: { maxAttempts: int(values, 'max-attempts', 1, 100) ?? settings.maxAttempts },
  };
  const flushAt = int(values, 'batch-size', 1, 100_000);
  if (flushAt !== undefined) options.flushAt = flushAt;
  const timeout = int(values, 'timeout', 1);
  if (timeout !== undefined) options.timeoutMs = timeout;
  if (settings.flushInterval !== undefined) options.flushInterval = settings.flushInterval;
  if (settings.maxQueueSize !== undefined) options.maxQueueSize = settings.maxQueueSize;
  return options;
}

export function createClient(target: Target, options: LoadOptions): RudderAnalytics {
  return RudderAnalytics.load(target.writeKey, target.dataPlaneUrl, options);
}

import type { NetworkFixtures, TransformationLibrary } from './types.js';

/** One call, as the runner hands it to the sandbox worker. */
export interface SandboxJob {
  id: number;
  code: string;
  name: string;
  libraries: TransformationLibrary[];
  /** `[{ message, metadata }]` as JSON, rebuilt inside the sandbox's realm. */
  payload: string;
  credentials?: string;
  fixtures: NetworkFixtures;
  allowNetwork: boolean;
  timeoutMs: number;
}

/** The worker's answer: the handler-level list as JSON, or the error that ended the whole call. */
export type SandboxReply =
  | { id: number; ok: true; kind: 'transformEvent' | 'transformBatch'; transformed: string; logs: string[] }
  | { id: number; ok: false; error: string; logs: string[] };

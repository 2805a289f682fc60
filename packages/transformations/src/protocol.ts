import type { NetworkFixtures, TransformationLibrary } from './types.js';

/** One call's settings, the header of the frame the runner sends; the frame's body is the call's events. */
export interface SandboxJob {
  id: number;
  code: string;
  name: string;
  libraries: TransformationLibrary[];
  /** Set when every event's metadata is this one filled from the event; the lines are then the events alone. */
  sharedMetadata?: string;
  credentials?: string;
  fixtures: NetworkFixtures;
  allowNetwork: boolean;
  timeoutMs: number;
  /**
   * Set on a new sandbox's first call: the sandbox answers with a SandboxStarted notice when it takes
   * the call up. Later calls find the sandbox idle and waiting, so their time starts when they are sent.
   */
  announceStart?: boolean;
}

/**
 * The sandbox's answer, the header of the frame it sends back; when `ok`, the frame's body is the
 * handler-level list as JSON, otherwise empty and `error` is what ended the whole call.
 */
export type SandboxReply =
  { id: number; ok: true; kind: 'transformEvent' | 'transformBatch'; logs: string[] } | { id: number; ok: false; error: string; logs: string[] };

/**
 * Sent by the sandbox (a header-only frame) when it takes up a call marked `announceStart`: the call's
 * time starts there, not when the runner sent it, which for a new sandbox includes the process's start-up.
 */
export interface SandboxStarted {
  id: number;
  started: true;
}

/**
 * What a transport is, as types only: transport.ts (fetch, deadlines, choosing one) and http-node.ts
 * (node:http) both implement it, and neither has to import the other for it.
 */
export interface Request {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** A response: its status, and the start of its body (at most `ANSWER_BYTES` (answer.ts) bytes of it). */
export interface Answer {
  status: number;
  body: string;
  retryAfter: string | null;
}

/**
 * Sends one POST and reads the answer (a bounded part of its body); rejects on a network error, and ends (rejecting) when
 * `signal` aborts. Deadlines and settling once are `post`'s job (transport.ts), not the sender's.
 */
export interface Sender {
  send(request: Request, signal: AbortSignal): Promise<Answer>;
  /** Lets go of kept-alive connections; called once the client is closed. */
  close?(): void;
}

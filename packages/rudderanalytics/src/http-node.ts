/**
 * The transport on Node: `node:http`/`node:https` with a keep-alive agent, reached without an import
 * (process.getBuiltinModule, Node 20.16+), so the core keeps zero dependencies and still loads on every
 * runtime. On Node the WHATWG fetch (undici) costs about a sixth more CPU per delivered event than a
 * plain request over a kept-alive socket, and keeps its own buffers; elsewhere (Node 18, Bun, Deno,
 * Workers) or when the caller passes `fetch`, fetch is used (transport.ts).
 */
import { bodyText } from './answer.js';
import type { Answer, Request, Sender } from './sender.js';

interface IncomingMessage {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  destroy(): void;
}
interface ClientRequest {
  on(event: 'error', listener: (error: Error) => void): void;
  end(body: string | Uint8Array): void;
}
interface Agent {
  destroy(): void;
}
interface HttpModule {
  Agent: new (options: { keepAlive: boolean }) => Agent;
  request(
    url: URL,
    options: { method: string; headers: Record<string, string>; agent: Agent; signal: AbortSignal },
    onResponse: (response: IncomingMessage) => void,
  ): ClientRequest;
}

type Host = {
  process?: { getBuiltinModule?(name: string): unknown };
  Bun?: unknown;
  Deno?: unknown;
  navigator?: { userAgent?: string };
};

/** `node:http`/`node:https` when this runtime is Node itself (Bun, Deno and Workers emulate them over their own fetch). */
function nodeModules(): { http: HttpModule; https: HttpModule } | undefined {
  const host = globalThis as Host;
  if (host.Bun !== undefined || host.Deno !== undefined || host.navigator?.userAgent === 'Cloudflare-Workers') return undefined;
  const load = host.process?.getBuiltinModule;
  if (typeof load !== 'function') return undefined;
  const http = load.call(host.process, 'node:http') as HttpModule | undefined;
  const https = load.call(host.process, 'node:https') as HttpModule | undefined;
  return http && https ? { http, https } : undefined;
}

/**
 * A sender over `node:http`/`node:https`, one keep-alive agent per scheme for this client, or undefined
 * where the runtime is not Node (or too old to reach its modules without an import).
 */
export function nodeHttpSender(): Sender | undefined {
  const modules = nodeModules();
  if (!modules) return undefined;
  const agents = new Map<string, Agent>();
  const agentFor = (scheme: 'http:' | 'https:', module: HttpModule): Agent => {
    let agent = agents.get(scheme);
    if (!agent) agents.set(scheme, (agent = new module.Agent({ keepAlive: true })));
    return agent;
  };
  return {
    send(request: Request, signal: AbortSignal): Promise<Answer> {
      return new Promise<Answer>((resolve, reject) => {
        const url = new URL(request.url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
        const module = url.protocol === 'https:' ? modules.https : modules.http;
        // A 3xx is not followed (node:http never does): it is an answer of its own, and decide() rejects it.
        const req = module.request(url, { method: 'POST', headers: request.headers, agent: agentFor(url.protocol, module), signal }, (response) => {
          const body = bodyText();
          const answer = () => {
            const retryAfter = response.headers['retry-after'];
            resolve({ status: response.statusCode ?? 0, body: body.text(), retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
          };
          response.on('data', (chunk) => {
            if (body.add(chunk)) return;
            // The budget is spent: answer with what was read, and close the connection rather than drain the rest.
            answer();
            response.destroy();
          });
          response.on('error', reject);
          response.on('end', answer);
        });
        req.on('error', reject);
        req.end(request.body);
      });
    },
    close(): void {
      // Kept-alive sockets are unref'd while idle, but a closed client should not hold any.
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

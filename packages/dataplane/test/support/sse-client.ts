/** A minimal server-sent-events reader over fetch, so tests see exactly what goes over the wire. */
export interface SseMessage {
  id?: string;
  data: string;
}

export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseMessage[] = [];

  async function next(timeoutMs = 5000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const msg = queue.shift();
      if (msg) return msg;
      const timer = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no SSE message in time')), Math.max(0, deadline - Date.now())).unref(),
      );
      const { value, done } = await Promise.race([reader.read(), timer]);
      if (done) throw new Error('stream ended');
      // Search only the new text (and the one character before it) so a large event costs linear time.
      const from = Math.max(0, buffer.length - 1);
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n', from);
      for (; end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const m: SseMessage = { data: '' };
        let hasData = false;
        for (const line of frame.split('\n')) {
          if (line.startsWith('id: ')) m.id = line.slice(4);
          else if (line.startsWith('data: ')) {
            m.data += line.slice(6);
            hasData = true;
          }
        }
        if (hasData) queue.push(m);
      }
    }
  }

  return {
    headers: res.headers,
    next,
    close: () => controller.abort(),
  };
}

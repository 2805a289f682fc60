import { createHash } from 'node:crypto';

/**
 * rudder-go-kit `uuid.GetMD5UUID(userId + ":" + anonymousId)` on the cleaned identifiers: the MD5
 * digest's 16 bytes read as a UUID whose version nibble is forced to 4 and variant to RFC 4122
 * (gofrs/uuid's SetVersion/SetVariant, kept for backward compatibility).
 */
export function rudderId(userId: string, anonymousId: string): string {
  const input = `${userId}:${anonymousId}`;
  if (input.length > 256) return compute(input);
  let id = recent.get(input);
  if (id === undefined) {
    if (recent.size >= RECENT_MAX) recent.clear();
    id = compute(input);
    recent.set(input, id);
  }
  return id;
}

// Batches usually repeat a handful of users; remembering recent ids skips most MD5 setups.
const RECENT_MAX = 10_000;
const recent = new Map<string, string>();

function compute(input: string): string {
  const b = createHash('md5').update(input, 'utf8').digest();
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

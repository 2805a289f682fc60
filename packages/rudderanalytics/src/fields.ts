/**
 * The top-level fields of a RudderStack event: those of the spec and those the gateway adds. Any other
 * field is delivered as given; one that looks like a misspelling of these is warned about.
 */

/** Fields an event may carry at the top level, the SDK's, the spec's and the gateway's. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'userId',
  'anonymousId',
  'previousId',
  'groupId',
  'event',
  'name',
  'category',
  'properties',
  'traits',
  'context',
  'integrations',
  'messageId',
  'originalTimestamp',
  'timestamp',
  'sentAt',
  'receivedAt',
  'channel',
  'request_ip',
  'rudderId',
]);

// Short names (`type`, `name`) are left out: one letter off them is as likely a field of its own.
const TARGETS = [...KNOWN_FIELDS].filter((f) => f.length >= 5).map((f) => ({ field: f, lower: f.toLowerCase(), bare: bare(f) }));
const seen = new Map<string, string | null>();
const SEEN_MAX = 4096;

function bare(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/**
 * The known field `key` is likely a misspelling of (case, `_`/`-`, or one letter added, missing, changed or
 * swapped), or undefined. Answers are remembered: an event stream repeats the same few keys.
 */
export function likelyMisspelling(key: string): string | undefined {
  const known = seen.get(key);
  if (known !== undefined) return known ?? undefined;
  let found: string | null = null;
  const lower = key.toLowerCase();
  const b = bare(key);
  for (const t of TARGETS) {
    if (t.bare === b || withinOneEdit(lower, t.lower)) {
      found = t.field;
      break;
    }
  }
  if (seen.size < SEEN_MAX) seen.set(key, found);
  return found ?? undefined;
}

/** Optimal string alignment distance ≤ 1: one insertion, deletion, substitution or adjacent swap. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Lua run atomically by Redis, so that producers never interleave between adding and claiming. */

/**
 * KEYS[1] stream · ARGV[1] group · ARGV[2] consumer · ARGV[3] maxLen · ARGV[4] 'reject' | 'trim' · ARGV[5…] events.
 * Creates the group first when it is missing (Redis restarted empty): a script is not rolled back when a
 * later command fails, so without it the XADDs would land and the claim fail, leaving entries nobody
 * holds, to be adopted and delivered a second time. Then adds the events and delivers them to their producer in the same step: every producer does so, so
 * `>` yields exactly the entries just added (plus any entry added by other means and never delivered,
 * returned as an orphan to adopt). With 'reject', only as many as fit under maxLen are added: the first
 * ones, so `addedIds` may be shorter than the events given. Returns `{ addedIds, { orphanId, orphanJson, … } }`.
 */
export const ADD_AND_CLAIM = `
redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
local n = #ARGV - 4
local maxlen = tonumber(ARGV[3])
if ARGV[4] == 'reject' then
  n = math.max(0, math.min(n, maxlen - redis.call('XLEN', KEYS[1])))
  if n == 0 then return { {}, {} } end
end
local added = {}
for i = 1, n do
  if ARGV[4] == 'trim' then
    added[i] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'e', ARGV[i + 4])
  else
    added[i] = redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 4])
  end
end
local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', n + 1000, 'STREAMS', KEYS[1], '>')
local mine = {}
for i = 1, n do mine[added[i]] = true end
local orphans = {}
if read then
  for _, entry in ipairs(read[1][2]) do
    if not mine[entry[1]] then
      orphans[#orphans + 1] = entry[1]
      orphans[#orphans + 1] = entry[2][2]
    end
  end
end
return { added, orphans }
`;

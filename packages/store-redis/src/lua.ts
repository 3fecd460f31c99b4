import { defineScript } from './script.js';

// The session store's Lua scripts. Each runs atomically inside Redis, so every SessionStore method is one
// step for concurrent callers on any number of Tessera instances. Key names built inside a script (a
// session's hash from its id, a user's index from the hash) make them single-node scripts: not for Cluster.
// Instants travel as integer milliseconds; numbers computed here are formatted with %.0f so that Redis
// never sees an exponent.

const HELPERS = `
local function ms(n) return string.format('%.0f', n) end
-- Pushes a key's expiry out to at least \`at\` (never shortens it); a key without a TTL gets one.
local function extend(key, at)
  local current = redis.call('PEXPIRETIME', key)
  if current == -1 or (current >= 0 and current < at) then redis.call('PEXPIREAT', key, ms(at)) end
end
-- Marks one session revoked, keeps its record for as long as the revocation is listed, takes it out of its
-- user's index (it is no longer live) and records it in the revoked set the feed resyncs from.
local function revoke(prefix, key, id, userId, at, reason, keepUntil, revokedKey)
  redis.call('HSET', key, 'revokedAt', at, 'reason', reason)
  extend(key, tonumber(keepUntil))
  redis.call('ZREM', prefix .. 'user:' .. userId .. ':sessions', id)
  redis.call('ZADD', revokedKey, at, id)
end
-- Trims the revoked set and publishes the revocation message of docs/revocation-feed.md, in the same step as
-- the writes above, so a subscriber either hears it or finds it on resync.
local function announce(revokedKey, trimBefore, channel, ids, at)
  redis.call('ZREMRANGEBYSCORE', revokedKey, '-inf', trimBefore)
  redis.call('PUBLISH', channel, '{"v":1,"sessionIds":' .. cjson.encode(ids) .. ',"revokedAt":' .. at .. '}')
end
`;

/** KEYS: session, user index, expiry index. ARGV: id, diesAt, keepUntil, createdAt, field, value, … */
export const CREATE = defineScript(
  `${HELPERS}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
extend(KEYS[2], tonumber(ARGV[3]))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return 1`,
  3,
);

/**
 * KEYS: session, expiry index. ARGV: expected hash, new hash, nonce, rotatedAt, idleExpiresAt, margin, id, prefix,
 * recent rotations (JSON, this rotation first).
 */
export const ROTATE = defineScript(
  `${HELPERS}
local cur = redis.call('HMGET', KEYS[1], 'secretHash', 'revokedAt', 'absExp', 'userId')
-- The compare-and-swap: only a caller presenting the current secret rotates, and only once. A replayed or
-- raced old secret (token theft, a second tab) changes nothing here; the core decides what it means. The
-- rotation history is written in the same step, so it always belongs to the secret hash beside it.
if not cur[1] or cur[2] or cur[1] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'prevHash', cur[1], 'secretHash', ARGV[2], 'nonce', ARGV[3],
  'rotatedAt', ARGV[4], 'lastUsedAt', ARGV[4], 'idleExp', ARGV[5], 'rotations', ARGV[9])
local dies = math.min(tonumber(ARGV[5]), tonumber(cur[3]))
redis.call('ZADD', KEYS[2], ms(dies), ARGV[7])
local keep = dies + tonumber(ARGV[6])
redis.call('PEXPIREAT', KEYS[1], ms(keep))
extend(ARGV[8] .. 'user:' .. cur[4] .. ':sessions', keep)
return 1`,
  2,
);

/** KEYS: session. ARGV: lastUsedAt. */
export const TOUCH = defineScript(
  `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1]) end
return 0`,
  1,
);

/** KEYS: session, revoked set. ARGV: at, reason, id, trimBefore, channel, keepUntil, prefix. Returns the userId or nil. */
export const REVOKE_ONE = defineScript(
  `${HELPERS}
local cur = redis.call('HMGET', KEYS[1], 'userId', 'revokedAt')
if not cur[1] or cur[2] then return false end
revoke(ARGV[7], KEYS[1], ARGV[3], cur[1], ARGV[1], ARGV[2], ARGV[6], KEYS[2])
announce(KEYS[2], ARGV[4], ARGV[5], { ARGV[3] }, ARGV[1])
return cur[1]`,
  2,
);

/** KEYS: user index, revoked set. ARGV: at, reason, hasExcept, except, trimBefore, channel, keepUntil, prefix. */
export const REVOKE_USER = defineScript(
  `${HELPERS}
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  if not (ARGV[3] == '1' and id == ARGV[4]) then
    local key = ARGV[8] .. 'session:' .. id
    local cur = redis.call('HMGET', key, 'userId', 'revokedAt')
    if not cur[1] then
      redis.call('ZREM', KEYS[1], id)
    elseif not cur[2] then
      revoke(ARGV[8], key, id, cur[1], ARGV[1], ARGV[2], ARGV[7], KEYS[2])
      out[#out + 1] = id
    end
  end
end
if #out > 0 then announce(KEYS[2], ARGV[5], ARGV[6], out, ARGV[1]) end
return out`,
  2,
);

/** KEYS: user index. ARGV: prefix. Returns [id, [field, value, …]], … and drops ids whose record expired. */
export const LIST_USER = defineScript(
  `local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HGETALL', ARGV[1] .. 'session:' .. id)
  if #fields == 0 then redis.call('ZREM', KEYS[1], id) else out[#out + 1] = { id, fields } end
end
return out`,
  1,
);

/** KEYS: revoked set. ARGV: since, prefix. Returns id, revokedAt, userId ('' when the record is gone), … */
export const LIST_REVOKED = defineScript(
  `local rows = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES')
local out = {}
for i = 1, #rows, 2 do
  local userId = redis.call('HGET', ARGV[2] .. 'session:' .. rows[i], 'userId')
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
  out[#out + 1] = userId or ''
end
return out`,
  1,
);

/** KEYS: expiry index. ARGV: before (exclusive), prefix, batch size. Returns how many index entries it removed. */
export const DELETE_EXPIRED = defineScript(
  `local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do
  local key = ARGV[2] .. 'session:' .. id
  local cur = redis.call('HMGET', key, 'userId', 'revokedAt')
  if cur[1] then
    redis.call('ZREM', ARGV[2] .. 'user:' .. cur[1] .. ':sessions', id)
    -- A revoked record stays until its own TTL (revokedAt + 24 h), so listRevokedSince can still name it.
    if not cur[2] then redis.call('DEL', key) end
  end
  redis.call('ZREM', KEYS[1], id)
end
return #ids`,
  1,
);

"""The cart store's Lua scripts (see cart_store): each reads and writes one cart atomically.

The `_` field is the marker that keeps an emptied cart alive; every write renews the TTL.
"""

# KEYS[1] cart; ARGV: variant, quantity, cap, ttl, create (1/0).
# -> nil (guest cart missing) | {applied 1/0, line quantity, {flat hash}}
ADD = """
if ARGV[5] == '0' and redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current + tonumber(ARGV[2]) > tonumber(ARGV[3]) then
  return {0, current, redis.call('HGETALL', KEYS[1])}
end
local total = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], '_', '1')
redis.call('EXPIRE', KEYS[1], ARGV[4])
return {1, total, redis.call('HGETALL', KEYS[1])}
"""

# KEYS[1] cart; ARGV: variant, quantity (0 removes), ttl, create (1/0).
# -> nil (guest cart missing) | {flat hash}
SET = """
local exists = redis.call('EXISTS', KEYS[1]) == 1
if not exists and ARGV[4] == '0' then
  return false
end
if ARGV[2] == '0' then
  if exists then
    redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('EXPIRE', KEYS[1], ARGV[3])
  end
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], '_', '1')
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return redis.call('HGETALL', KEYS[1])
"""

# KEYS[1] cart; ARGV: ttl. -> 1, or 0 when there was no cart (nothing is created).
CLEAR = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '_', '1')
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""

# KEYS[1] guest cart, KEYS[2] user cart; ARGV: ttl, then variant, cap pairs.
# -> nil (guest cart missing) | {'missing', {variants without a cap}}
#    | {'ok', {variant, requested, granted, ...}, {flat user hash}}
MERGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local caps = {}
for i = 2, #ARGV, 2 do
  caps[ARGV[i]] = tonumber(ARGV[i + 1])
end
local guest = redis.call('HGETALL', KEYS[1])
local missing = {}
for i = 1, #guest, 2 do
  if guest[i] ~= '_' and caps[guest[i]] == nil then
    missing[#missing + 1] = guest[i]
  end
end
if #missing > 0 then
  return {'missing', missing}
end
local merged = {}
for i = 1, #guest, 2 do
  local variant = guest[i]
  if variant ~= '_' then
    local requested = tonumber(redis.call('HGET', KEYS[2], variant) or '0') + tonumber(guest[i + 1])
    local granted = math.max(0, math.min(requested, caps[variant]))
    if granted > 0 then
      redis.call('HSET', KEYS[2], variant, granted)
    else
      redis.call('HDEL', KEYS[2], variant)
    end
    merged[#merged + 1] = variant
    merged[#merged + 1] = requested
    merged[#merged + 1] = granted
  end
end
redis.call('HSET', KEYS[2], '_', '1')
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return {'ok', merged, redis.call('HGETALL', KEYS[2])}
"""

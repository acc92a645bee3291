-- Guest orders, again and again: each cart is filled with LINES POST /api/v1/cart/items (the
-- first without a token creates the cart, the token is read from the answer), then checked out
-- with POST /api/v1/checkout (an Idempotency-Key of its own); then a new cart is started.
--
-- Args after `--`: LINES, optionally `fill=DIR`, then variant ids as JSON literals (at least
-- LINES of them). With `fill=DIR` the carts are filled and not checked out: each full cart's
-- token is appended to DIR/carts-<thread id>.txt (for checkout_prefilled.lua), and a new cart
-- is started; bench/checkout_load.py stops wrk once enough carts are written.
--
-- wrk does not tell a script which connection a request is for, and each answer is followed
-- by exactly one request: so every answer queues its cart's next step (per thread), and every
-- request takes the oldest step queued, or starts a new cart when none is. There are always
-- as many carts in progress as connections, each one step in flight at a time.
--
-- The checkout requests are timed by the script itself (wrk's own latencies mix them with the
-- cart adds): the buyer's email carries a sequence number that the 201 answer (the order)
-- echoes; `timed` holds each checkout's latency in microseconds, which report.lua summarises.
-- Line k of a cart is drawn from the k-th of LINES slices of the variants, by the cart's own
-- number: a cart's lines are distinct, and so are those of the carts in progress at once (so
-- that concurrent checkouts seldom wait for the same row's lock, as in a store with many
-- products).
require("report")

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local BUYER = '{"full_name": "Bench Buyer", "email": "c%d.%d@example.com", "phone": "1", '
  .. '"address": {"line1": "1 Road", "city": "Town", "postal_code": "1", "country": "DE"}}'
local lines = 0
local variants = {}
local slice = 0
local queue = {} -- carts whose answer came back: their next step is due
local added = {} -- token -> lines in the cart
local base = {} -- token -> the cart's number, which picks its lines' variants
local sent = {} -- checkout sequence number -> when it was sent (us)
local carts = 0
local seq = 0
local filled = nil -- the file of full carts' tokens (fill=DIR)
timed = {}
statuses = {}

function init(args)
  lines = tonumber(args[1])
  assert(lines and lines > 0, "checkout_orders.lua: give LINES, then variant ids, after --")
  local first = 2
  local dir = string.match(args[2] or "", "^fill=(.+)$")
  if dir then
    filled = assert(io.open(dir .. "/carts-" .. (id or 1) .. ".txt", "w"))
    first = 3
  end
  for i = first, #args do
    variants[#variants + 1] = args[i]
  end
  assert(#variants >= lines, "checkout_orders.lua: fewer variants than LINES")
  slice = math.floor(#variants / lines)
  carts = ((id or 1) - 1) * 1009
end

local function add(headers, line, cart)
  local variant = variants[(line - 1) * slice + (cart % slice) + 1]
  local body = '{"variant_id": ' .. variant .. ', "quantity": 1}'
  return wrk.format("POST", "/api/v1/cart/items", headers, body)
end

function request()
  local headers = { ["Content-Type"] = "application/json" }
  local token = table.remove(queue, 1)
  if token == nil then
    carts = carts + 1
    return add(headers, 1, carts)
  end
  headers["X-Cart-Token"] = token
  local count = added[token]
  if count < lines then
    return add(headers, count + 1, base[token])
  end
  added[token], base[token] = nil, nil
  if filled then
    filled:write(token, "\n")
    filled:flush()
    carts = carts + 1
    headers["X-Cart-Token"] = nil
    return add(headers, 1, carts)
  end
  seq = seq + 1
  sent[seq] = now_us()
  headers["Idempotency-Key"] = "bench-" .. (id or 1) .. "-" .. seq
  return wrk.format("POST", "/api/v1/checkout", headers, string.format(BUYER, id or 1, seq))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    local n = tonumber(string.match(body, '"email":%s*"c%d+%.(%d+)@'))
    if n and sent[n] then
      timed[#timed + 1] = now_us() - sent[n]
      sent[n] = nil
    end
  elseif status == 200 then
    local token = headers["X-Cart-Token"] or headers["x-cart-token"]
      or string.match(body, '"token":%s*"([^"]+)"')
    if token then
      if added[token] == nil then -- a new cart: a number of its own, for its other lines
        carts = carts + 1
        base[token] = carts
      end
      added[token] = (added[token] or 0) + 1
      queue[#queue + 1] = token
    end
  end
  -- Anything else (a refused add or checkout) ends that cart: the next request starts anew.
end

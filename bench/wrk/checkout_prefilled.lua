-- POST /api/v1/checkout of guest carts filled beforehand, one checkout per cart: checkout
-- throughput without the cart adds. Args after `--`: DIR, where checkout_orders.lua's fill
-- mode wrote each thread's carts (DIR/carts-<thread id>.txt; the same thread count).
-- Every checkout has an Idempotency-Key of its own. A thread that has used all its carts
-- stops, and counts a status "ran_out" (the run's rate is then a lower bound).
require("report")

local BUYER = '{"full_name": "Bench Buyer", "email": "bench@example.com", "phone": "1", '
  .. '"address": {"line1": "1 Road", "city": "Town", "postal_code": "1", "country": "DE"}}'
local tokens = {}
local n = 0
statuses = {}

function init(args)
  local path = assert(args[1], "checkout_prefilled.lua: give DIR after --")
    .. "/carts-" .. (id or 1) .. ".txt"
  for line in assert(io.open(path)):lines() do
    tokens[#tokens + 1] = line
  end
  assert(#tokens > 0, "checkout_prefilled.lua: no carts in " .. path)
end

function request()
  n = n + 1
  local token = tokens[n]
  if token == nil then
    statuses["ran_out"] = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Cart-Token"] = token,
    ["Idempotency-Key"] = "prefilled-" .. n,
  }
  return wrk.format("POST", "/api/v1/checkout", headers, BUYER)
end

function response(status, _, _)
  statuses[status] = (statuses[status] or 0) + 1
end

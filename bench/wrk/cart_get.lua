-- GET /api/v1/cart with X-Cart-Token, rotating over the guest carts given after `--`
-- (bench/shop_scenarios.py fills one 5-line cart per connection before the run).
require("report")

local tokens = {}
local n = 0

function init(args)
  for i = 1, #args do
    tokens[#tokens + 1] = args[i]
  end
  assert(#tokens > 0, "cart_get.lua: give cart tokens after --")
  n = ((id or 1) - 1) * 5
end

function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/cart", { ["X-Cart-Token"] = tokens[(n % #tokens) + 1] })
end

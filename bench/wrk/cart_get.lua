-- GET /api/v1/cart with X-Cart-Token, rotating over the guest carts given after `--`
-- (bench/shop_scenarios.py fills one 5-line cart per connection before the run).
require("report")
local script_args = require("script_args")

local tokens = {}
local n = 0

function init(args)
  tokens = script_args.list(args, "cart_get.lua", "cart tokens")
  n = script_args.start(5)
end

function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/cart", { ["X-Cart-Token"] = tokens[(n % #tokens) + 1] })
end

-- A guest checkout, again and again: POST /api/v1/cart/items (a new one-line guest cart), then
-- POST /api/v1/checkout of that cart. Args after `--`: variant ids as JSON literals.
--
-- wrk does not tell a script which connection a request is for, so the script keeps, per
-- thread, the carts that are filled and not yet checked out: a request checks out one of
-- them when there is one, else it fills a new cart (whose token response() then queues).
-- Each order is two requests; the orders are the 201s in `statuses` (report.lua prints them).
-- Lines rotate over the variants, so concurrent checkouts seldom wait for one row's lock.
require("report")
local script_args = require("script_args")

local BUYER = '{"full_name": "Bench Buyer", "email": "bench@example.com", "phone": "1", '
  .. '"address": {"line1": "1 Road", "city": "Town", "postal_code": "1", "country": "DE"}}'
local variants = {}
local ready = {}
local n = 0
statuses = {}

function init(args)
  variants = script_args.list(args, "checkout.lua", "variant ids")
  n = script_args.start(97)
end

function request()
  local headers = { ["Content-Type"] = "application/json" }
  local token = table.remove(ready, 1)
  if token then
    headers["X-Cart-Token"] = token
    return wrk.format("POST", "/api/v1/checkout", headers, BUYER)
  end
  n = n + 1
  local line = '{"variant_id": ' .. variants[(n % #variants) + 1] .. ', "quantity": 1}'
  return wrk.format("POST", "/api/v1/cart/items", headers, line)
end

function response(status, headers, _)
  statuses[status] = (statuses[status] or 0) + 1
  local token = headers["X-Cart-Token"] or headers["x-cart-token"]
  if status == 200 and token then
    ready[#ready + 1] = token
  end
end

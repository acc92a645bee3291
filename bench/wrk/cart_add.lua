-- POST /api/v1/cart/items {variant_id, quantity: 1}, each connection with its own guest cart.
--
-- Args after `--`: variant ids as JSON literals (17 or "a-uuid"). wrk does not tell a script
-- which connection a request is for, so carts are made the way a connection would: every
-- connection's first request goes out without a token (all of a thread's connections send
-- theirs before any answer arrives), creating one guest cart each; response() keeps the
-- X-Cart-Token of each new cart, and later requests take turns over the thread's carts. Each
-- cart cycles over its own window of WINDOW variants, so carts stay about WINDOW lines long.
-- Every response's status is counted (report.lua prints them): a 409 (stock) or 422 (line
-- limit) is a failed add, and wrk counts it as non-2xx too.
require("report")
local script_args = require("script_args")

local WINDOW = 5
local variants = {}
local tokens = {}
local known = {}
local adds = {}
local turn = 0
local n = 0
statuses = {}

function init(args)
  variants = script_args.list(args, "cart_add.lua", "variant ids")
  n = script_args.start(11)
end

local function body(variant)
  return '{"variant_id": ' .. variant .. ', "quantity": 1}'
end

function request()
  local headers = { ["Content-Type"] = "application/json" }
  local variant
  if #tokens == 0 then
    n = n + 1
    variant = variants[(n % #variants) + 1]
  else
    turn = (turn % #tokens) + 1
    headers["X-Cart-Token"] = tokens[turn]
    adds[turn] = adds[turn] + 1
    local slot = ((turn - 1 + (id or 1) * 3) * WINDOW + adds[turn] % WINDOW) % #variants
    variant = variants[slot + 1]
  end
  return wrk.format("POST", "/api/v1/cart/items", headers, body(variant))
end

function response(status, headers, _)
  statuses[status] = (statuses[status] or 0) + 1
  local token = headers["X-Cart-Token"] or headers["x-cart-token"]
  if token and not known[token] then
    known[token] = true
    tokens[#tokens + 1] = token
    adds[#tokens] = 0
  end
end

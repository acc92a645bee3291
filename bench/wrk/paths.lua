-- GETs rotating over the paths given after `--` (e.g. several product ids or search terms).
-- Each thread starts at a different offset so the threads do not walk in step.
require("report")
local script_args = require("script_args")

local paths = {}
local n = 0

function init(args)
  paths = script_args.list(args, "paths.lua", "the paths to rotate over")
  n = script_args.start(7)
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

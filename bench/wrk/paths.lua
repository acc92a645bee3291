-- GETs rotating over the paths given after `--` (e.g. several product ids or search terms).
-- Each thread starts at a different offset so the threads do not walk in step.
require("report")

local paths = {}
local n = 0

function init(args)
  for i = 1, #args do
    paths[#paths + 1] = args[i]
  end
  assert(#paths > 0, "paths.lua: give the paths to rotate over after --")
  n = ((id or 1) - 1) * 7
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

-- Any scenario script, with its connections renewed from time to time: every N-th request of
-- a thread asks the server to close the connection after answering, and wrk reconnects.
--
-- Args after `--`: N, the scenario script's name (without .lua), then that script's own args.
--
-- Why: wrk opens all its connections in one burst and keeps them for the whole run, so which
-- gunicorn worker process accepted each one is settled in the first millisecond (often most of
-- them by one process), and never rebalanced: two processes are then measured as one. Clients
-- and load balancers do renew connections; renewed ones go to whichever process is free to
-- accept, so the load spreads the way it would in service. The cost (a new TCP connection
-- every N requests) is the same for every server measured.
require("report")

local every = 0
local count = 0

-- wrk.init(args) calls this global init, then makes wrk.request() return the static request.
function init(args)
  every = tonumber(args[1])
  assert(every and every > 0, "reconnecting.lua: give N, then the scenario script, after --")
  init, request, response = nil, nil, nil
  require(args[2])
  local rest = {}
  for i = 3, #args do
    rest[#rest + 1] = args[i]
  end
  if type(init) == "function" then
    init(rest)
  end
  local inner = request
  request = function()
    count = count + 1
    local req = inner and inner() or wrk.request()
    if count % every == 0 then
      req = req:gsub("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
    end
    return req
  end
end

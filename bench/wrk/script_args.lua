-- The arguments given to a script after `--`, for the scripts that rotate over them
-- (bench/wrk_load.py puts bench/wrk on LUA_PATH; scripts `require` it).
local script_args = {}

-- A copy of wrk's `args`; stops the run with "<script>: give <what> after --" when empty.
function script_args.list(args, script, what)
  local list = {}
  for i = 1, #args do
    list[#list + 1] = args[i]
  end
  assert(#list > 0, script .. ": give " .. what .. " after --")
  return list
end

-- Where this thread starts its rotation: the threads (numbered `id` by report.lua's setup)
-- start `stride` apart, so that they do not walk in step.
function script_args.start(stride)
  return ((id or 1) - 1) * stride
end

return script_args

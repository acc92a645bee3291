-- Shared by every scenario (bench/wrk_load.py puts bench/wrk on LUA_PATH; scripts `require` it).
--
-- setup() numbers the threads: each thread's script sees a global `id` (1, 2, ...).
-- done() prints one line, "BENCH_RESULT {json}", with exact numbers for bench/wrk_load.py:
-- requests, duration, latency percentiles in microseconds, wrk's error counts, and the
-- per-status counts that scripts with a response() callback keep in their global `statuses`,
-- and, for scripts that time some requests themselves (checkout_orders.lua), the count, p50
-- and p99 of the latencies in their global `timed` (microseconds).
-- Defining only setup/done keeps wrk's fast path (one static request) for plain GETs.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function timed_summary()
  local all = {}
  for _, thread in ipairs(threads) do
    local timed = thread:get("timed")
    if type(timed) == "table" then
      for _, us in ipairs(timed) do
        all[#all + 1] = us
      end
    end
  end
  if #all == 0 then
    return "null"
  end
  table.sort(all)
  local function at(p)
    return all[math.min(#all, math.floor(p * #all) + 1)]
  end
  return string.format('{"count": %d, "p50_us": %d, "p99_us": %d}', #all, at(0.50), at(0.99))
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    if type(counts) == "table" then
      for status, n in pairs(counts) do
        local key = tostring(status)
        statuses[key] = (statuses[key] or 0) + n
      end
    end
  end
  local parts = {}
  for status, n in pairs(statuses) do
    parts[#parts + 1] = string.format('"%s": %d', status, n)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "mean_us": %.1f, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"statuses": {%s}, "timed": %s}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ", "), timed_summary()
  ))
end

-- What the benchmark's wrk scripts share (loaded with dofile; run.mjs runs
-- wrk from this folder): each wrk thread gets a number `id`, and at the end
-- the per-thread counters named in `counted` (e.g. refused, merged) are
-- summed over the threads and printed as one JSON line for run.mjs.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function done(summary, latency, requests)
  local fields = {}
  for _, name in ipairs(counted) do
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get(name) end
    table.insert(fields, string.format('"%s": %d', name, total))
  end
  io.write("{" .. table.concat(fields, ", ") .. "}\n")
end

-- Shared by the wrk scripts: counts responses by class in every wrk thread and prints, at the end,
-- one machine-readable line (prefixed "WRK_JSON ") with throughput, latency percentiles and errors.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   ok2xx = 0
   non2xx = 0
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok2xx = ok2xx + 1
   else
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local ok, bad = 0, 0
   for _, t in ipairs(threads) do
      ok = ok + (t:get("ok2xx") or 0)
      bad = bad + (t:get("non2xx") or 0)
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'WRK_JSON {"requests":%d,"seconds":%.3f,"requests_per_second":%.1f,' ..
      '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
      '"ok_2xx":%d,"non_2xx":%d,"connect_errors":%d,"read_errors":%d,' ..
      '"write_errors":%d,"timeouts":%d}\n',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
      latency.max / 1e3, ok, bad, e.connect, e.read, e.write, e.timeout))
end

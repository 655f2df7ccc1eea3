-- Written by `mu lb-bench` for each wrk run: the totals and a fine grid of latency quantiles (µs),
-- so that rounds can be merged afterwards. The output file comes from the environment.
done = function(summary, latency, requests)
  local out = assert(io.open(os.getenv("MU_WRK_REPORT"), "w"))
  local e = summary.errors
  out:write(string.format('{"requests": %d, "durationMicros": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "maxMicros": %d, "quantiles": [',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency.max))
  for k = 0, 999 do
    if k > 0 then out:write(",") end
    out:write(string.format("%d", latency:percentile((k + 0.5) / 10)))
  end
  out:write(string.format('], "p9999Micros": %d}', latency:percentile(99.99)))
  out:close()
end

-- wrk script of bench/api.py: POST the JSON body in the file $ENDUSE_BENCH_BODY, and print the
-- figures as one JSON line (after the marker) when the run ends. Latencies in microseconds.
local path = os.getenv("ENDUSE_BENCH_BODY")
local f = assert(io.open(path, "rb"), "cannot read ENDUSE_BENCH_BODY " .. tostring(path))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "ENDUSE_BENCH_JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,"
      .. "\"connect\":%d,\"read\":%d,\"write\":%d,\"timeout\":%d,\"status\":%d,"
      .. "\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f}\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end

-- wrk script for bench/bench_serve.py: POSTs one English -> Bliss request per call to /v1/convert, its body taken in
-- turn from a file of JSON bodies (one a line, the path given after `--`), and prints a JSON summary at the end.
local bodies = {}
local next_body = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  not_ok = 0
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, "/v1/convert", nil, bodies[next_body])
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "not_ok": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"timeouts": %d, "p50_s": %.4f, "p90_s": %.4f, "p99_s": %.4f, "max_s": %.4f}\n',
    summary.requests, summary.duration / 1e6, failed, errors.connect, errors.read + errors.write, errors.timeout,
    latency:percentile(50) / 1e6, latency:percentile(90) / 1e6, latency:percentile(99) / 1e6, latency.max / 1e6))
end

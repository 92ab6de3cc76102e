-- wrk script: POST an OpenAI chat completion (non-streamed) to every variant alike.
-- Environment: BENCH_AUTH (Authorization header value, optional), BENCH_EXTRA_HEADER ("name: value", optional,
-- e.g. Portkey's x-portkey-config), BENCH_PATH (default /v1/chat/completions), BENCH_OUT (JSON summary file).
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/v1/chat/completions"
wrk.body = '{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"You are a concise assistant."},' ..
           '{"role":"user","content":"Summarise in one sentence why API gateways pool keys."}],"max_tokens":64}'
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local extra = os.getenv("BENCH_EXTRA_HEADER")
if extra and extra ~= "" then
  local name, value = extra:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end


-- No response() callback: it would make wrk parse every response in Lua. Non-2xx answers are in errors_status.
function done(summary, latency, requests)
  local out = os.getenv("BENCH_OUT")
  local line = string.format(
    '{"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout)
  if out and out ~= "" then
    local f = io.open(out, "w"); f:write(line .. "\n"); f:close()
  end
  io.write(line .. "\n")
end

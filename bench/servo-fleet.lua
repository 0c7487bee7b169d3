-- wrk script for `salvo serve servo-fleet` (bench/servo-fleet.mjs prepares the apps first).
-- usage: wrk -t1 -c100 -d5s -s bench/servo-fleet.lua http://127.0.0.1:8080 -- <mode> [apps]
--   progress  POST {"event":"MEASUREMENT","param":{"progress":10}} to app00000 only
--   spread    the same body, apps picked round-robin over app00000..app(apps-1)
--   cycle     apps round-robin, each walked through a valid measure/adjust cycle:
--             MEASUREMENT 50% → final → WHATS_NEXT → ADJUSTMENT 50% → final → WHATS_NEXT
--             (an app's next step is sent `apps` requests later, long after its last answer
--             with 100 connections, so no app ever has two events in flight)
-- Expects every app to be in start-measure with no command pending.

local mode = "progress"
local apps = 1
local n = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench" }
local PROGRESS = '{"event":"MEASUREMENT","param":{"progress":10}}'
local STEPS = {
  '{"event":"MEASUREMENT","param":{"progress":50}}',
  '{"event":"MEASUREMENT","param":{}}',
  '{"event":"WHATS_NEXT"}',
  '{"event":"ADJUSTMENT","param":{"progress":50}}',
  '{"event":"ADJUSTMENT","param":{}}',
  '{"event":"WHATS_NEXT"}',
}
local requests = {}

local function path(app)
  return string.format("/accounts/bench/applications/app%05d/servo", app)
end

-- Every request is formatted once here, so request() is a table lookup and wrk stays
-- far from being the bottleneck.
function init(args)
  mode = args[1] or "progress"
  apps = tonumber(args[2] or "1")
  if mode == "progress" then apps = 1 end
  for app = 0, apps - 1 do
    if mode == "cycle" then
      for step = 1, #STEPS do
        requests[step * apps + app] = wrk.format("POST", path(app), headers, STEPS[step])
      end
    else
      requests[apps + app] = wrk.format("POST", path(app), headers, PROGRESS)
    end
  end
end

function request()
  local app = n % apps
  local step = 1
  if mode == "cycle" then step = math.floor(n / apps) % #STEPS + 1 end
  n = n + 1
  return requests[step * apps + app]
end

done = function(summary, latency, requests)
  io.write(string.format("WRK_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d status_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout, summary.errors.status))
end

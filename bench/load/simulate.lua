-- wrk script for POST /api/v2/outbound/campaigns/{id}/simulate with a bearer token and the seed's
-- example body. No Idempotency-Key is sent, so every request runs a simulation.
--
-- Environment: TOKEN (required, the access token), CAMPAIGN_ID (default the seed's example),
-- SIMULATE_BODY_FILE (a JSON body; default the seed's example below), BENCH_LOAD_DIR (this folder).
package.path = (os.getenv("BENCH_LOAD_DIR") or "bench/load") .. "/?.lua;" .. package.path
require("status")

local token = os.getenv("TOKEN")
if token == nil or token == "" then
   error("TOKEN is not set (the bearer token for the simulate endpoint)")
end
local campaign = os.getenv("CAMPAIGN_ID") or "12345678-1234-1234-1234-123456789012"

local body = '{"predictiveDialerSettings":{"answerRate":0.38,"agentEfficiency":0.82,"interval":3,' ..
   '"maxCalls":50,"dialerType":"PREDICTIVE"},"simulationWindowMinutes":120,"historicalData":[' ..
   '{"time_bucket":"09:00-10:00","calls_attempted":500,"calls_answered":190,"avg_talk_time_seconds":145},' ..
   '{"time_bucket":"10:00-11:00","calls_attempted":620,"calls_answered":245,"avg_talk_time_seconds":138},' ..
   '{"time_bucket":"11:00-12:00","calls_attempted":480,"calls_answered":175,"avg_talk_time_seconds":152}]}'

local body_file = os.getenv("SIMULATE_BODY_FILE")
if body_file ~= nil and body_file ~= "" then
   local f = assert(io.open(body_file, "rb"))
   body = f:read("*a")
   f:close()
end

wrk.method = "POST"
wrk.path = "/api/v2/outbound/campaigns/" .. campaign .. "/simulate"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

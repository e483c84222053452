-- wrk -s seed_flow.lua http://127.0.0.1:PORT
-- The seed flow of a customer onboarding, as far as the emulator's routes go: each thread sends
-- `steps` in turn. To extend the flow, append a step (a function of the thread's `state` that
-- returns method, path and, for writes, a JSON body) and, for a new kind of created resource, a
-- line in `kinds`: a 201 whose body holds the marker stores its "id" in state.created[kind].
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require("report")

local template_id = os.getenv("ONBOARD_BENCH_TEMPLATE") or "7e3b1f00-0000-4000-8000-00000000c0b0"
local key = os.getenv("ONBOARD_BENCH_KEY") or "emulator-test-key"
-- a session made before the run, for a GET that comes before this thread created one
local seed_session = os.getenv("ONBOARD_BENCH_SESSION")

local steps = {
  -- 1. the template to start from
  function() return "GET", "/v3/workflow_templates" end,
  -- 2. a workflow session for the customer
  function(state)
    state.n = state.n + 1
    return "POST", "/v3/workflow_sessions",
      string.format('{"workflow_template_id":"%s","name":"Bench customer %d"}', template_id, state.n)
  end,
  -- 3. the session, read back
  function(state)
    return "GET", "/v3/workflow_sessions/" .. (state.created.workflow_session or seed_session)
  end,
  -- next: identity verification, signature request, ... once their routes exist
}

-- what a 201 body is, by a key only that resource has (wrk does not say which request a
-- response answers)
local kinds = {
  workflow_session = '"workflow_template_id"',
}

local state = { n = 0, created = {} }
local step = 0

function request()
  step = step % #steps + 1
  local method, path, body = steps[step](state)
  local headers = { ["Authorization"] = "Bearer " .. key }
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  if status ~= 201 then return end
  for kind, marker in pairs(kinds) do
    -- keys are sorted: a new resource's first "id" is its own while its nested lists are empty
    if body:find(marker, 1, true) then state.created[kind] = body:match('"id":"([0-9a-f%-]+)"') end
  end
end

function done(summary, latency, requests)
  report.done(summary, latency, requests)
  io.write(string.format("steps=%d\n", #steps))  -- report.py divides by it: flows per second
end

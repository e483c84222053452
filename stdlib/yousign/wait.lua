-- Polls until a resource reaches a state:
--
--   local v = yousign.wait(function() return yousign.verifications.identity_documents.get(id) end,
--                          function(v) return v.status ~= "pending" end,
--                          { timeout = "10m", interval = "5s" })
--
-- The wait starts at `interval` and grows by half each round up to `max_interval` (default 60s);
-- after `timeout` (default 10m) it raises an error naming the last state seen. On the embedded
-- emulator, waiting moves the emulator's clock on, so it takes no real time.
local M = {}

local units = { ms = 0.001, s = 1, m = 60, h = 3600, d = 86400 }

--- "10m", "5s", "1.5h", "250ms" or a number of seconds.
function M.seconds(value, what)
  if type(value) == "number" then return value end
  if type(value) == "string" then
    local n, unit = value:match("^%s*(%d+%.?%d*)%s*(%a*)%s*$")
    local scale = units[unit ~= "" and unit or "s"]
    if n and scale then return tonumber(n) * scale end
  end
  error("yousign.wait: " .. what .. " must be a number of seconds or a duration like \"30s\", \"10m\", \"2h\" (got " .. tostring(value) .. ")", 4)
end

local function describe(resource)
  if type(resource) == "table" then
    if resource.status ~= nil then return "status " .. tostring(resource.status) end
    return "a table"
  end
  return tostring(resource)
end

-- A wait longer than a year is a mistake, and would overflow the clocks it moves.
local function check_ranges(name, values, given)
  for what, value in pairs(values) do
    if not (value >= 0 and value <= 366 * 86400) then
      error(name .. ": " .. what .. " must be between 0 and 366 days (got " .. tostring(given[what] or value) .. ")", 4)
    end
  end
end

function M.wait(fetch, predicate, options, now, sleep, mark)
  if type(fetch) ~= "function" then error("bad argument #1 to 'yousign.wait' (function expected, got " .. type(fetch) .. ")", 3) end
  if type(predicate) ~= "function" then error("bad argument #2 to 'yousign.wait' (function expected, got " .. type(predicate) .. ")", 3) end
  options = options or {}
  local timeout = M.seconds(options.timeout or "10m", "timeout")
  local interval = M.seconds(options.interval or "5s", "interval")
  local max_interval = M.seconds(options.max_interval or "60s", "max_interval")
  check_ranges("yousign.wait", { timeout = timeout, interval = interval, max_interval = max_interval }, options)
  -- the marks let a run journal keep only the start and the last round (docs/durability.md);
  -- a resumed wait gets its first start back, so its timeout counts from there
  mark = mark or function(event) if event == "begin" then return now() end end
  local started = mark("begin", timeout)
  local rounds = 0
  while true do
    mark("round")
    local ok, resource = pcall(fetch)
    if not ok then mark("end"); error(resource, 0) end
    rounds = rounds + 1
    local satisfied
    ok, satisfied = pcall(predicate, resource)
    if not ok then mark("end"); error(satisfied, 0) end
    if satisfied then
      mark("end")
      return resource
    end
    local elapsed = now() - started
    if elapsed >= timeout then
      mark("end")
      error(string.format("yousign.wait: timed out after %s (%d checks); last seen: %s",
        options.timeout or "10m", rounds, describe(resource)), 3)
    end
    sleep(math.min(interval, timeout - elapsed))
    interval = math.min(interval * 1.5, max_interval)
  end
end

-- What polling can check for an event, when no webhook comes: the object to fetch (by the
-- id waited on) and whether its state says the event happened.
local function status_is(...)
  local wanted = {}
  for _, s in ipairs({ ... }) do wanted[s] = true end
  return function(r) return wanted[r.status] == true end
end
M.pollable = {
  ["signature_request.activated"] = { "signature_request", "signature_requests", status_is("ongoing", "done") },
  ["signature_request.done"] = { "signature_request", "signature_requests", status_is("done") },
  ["signature_request.declined"] = { "signature_request", "signature_requests", status_is("declined") },
  ["signature_request.expired"] = { "signature_request", "signature_requests", status_is("expired") },
  ["signature_request.canceled"] = { "signature_request", "signature_requests", status_is("canceled") },
  ["signature_request.approved"] = { "signature_request", "signature_requests", status_is("ongoing", "done") },
  ["signature_request.rejected"] = { "signature_request", "signature_requests", status_is("rejected") },
  ["workflow_session.done"] = { "workflow_session", "workflow_sessions", status_is("done") },
  ["workflow_session.blocked"] = { "workflow_session", "workflow_sessions", status_is("blocked") },
  ["verification.identity_document.done"] = { "identity_document", "verifications.identity_documents",
                                              function(v) return v.status ~= "pending" end },
}

--- yousign.wait_for_event{ event = "signature_request.done", id = sr.id, timeout = "14d" }: the
--- event (the webhook's body, a table) once `onboard worker` receives it; meanwhile, and where
--- no webhook comes (`onboard run`), the object is polled (every `poll`, default 30s, growing to
--- `max_poll`, default 1h) and a state that says the event happened ends the wait too, with
--- { event_name = ..., polled = true, data = { signature_request = <the object> } }. `check`
--- (a function returning the object once the event happened, else nil) replaces the polling.
--- Under `onboard worker` the run is parked while it waits: no process is held.
function M.wait_for_event(spec, api, now, sleep, mark, event)
  if type(spec) ~= "table" then error("bad argument #1 to 'yousign.wait_for_event' (table expected, got " .. type(spec) .. ")", 3) end
  local name, id = spec.event, spec.id
  if type(name) ~= "string" or not name:match("^[%w_]+%.[%w_.]+$") then
    error("yousign.wait_for_event: event must be an event name like \"signature_request.done\" (got " .. tostring(name) .. ")", 3)
  end
  if type(id) ~= "string" or id == "" then
    error("yousign.wait_for_event: id must be the id of the object the event is about (got " .. tostring(id) .. ")", 3)
  end
  if spec.check ~= nil and type(spec.check) ~= "function" then
    error("yousign.wait_for_event: check must be a function (got " .. type(spec.check) .. ")", 3)
  end
  local timeout = M.seconds(spec.timeout or "7d", "timeout")
  local poll = M.seconds(spec.poll or "30s", "poll")
  local max_poll = M.seconds(spec.max_poll or "1h", "max_poll")
  check_ranges("yousign.wait_for_event", { timeout = timeout, poll = poll, max_poll = max_poll }, spec)
  local check = spec.check
  local known = M.pollable[name]
  if check == nil and known then
    local key, namespace, happened = known[1], known[2], known[3]
    check = function()
      local t = api
      for part in namespace:gmatch("[^.]+") do t = t[part] end
      local object = t.get(id)
      if happened(object) then return { event_name = name, polled = true, data = { [key] = object } } end
    end
  elseif check ~= nil then
    local given = check
    check = function()
      local object = given()
      if object ~= nil and object ~= false then return { event_name = name, polled = true, data = { object = object } } end
    end
  end
  local started = mark("begin", timeout)
  mark("expect", name, id)
  local rounds = 0
  while true do
    mark("round")
    local found = event(name, id)
    if found ~= nil then mark("end"); return found end
    if check then
      local ok, result = pcall(check)
      if not ok then mark("end"); error(result, 0) end
      if result then mark("end"); return result end
    end
    rounds = rounds + 1
    local elapsed = now() - started
    if elapsed >= timeout then
      mark("end")
      error(string.format("yousign.wait_for_event: no %s for %s after %s (%d checks)", name, id, spec.timeout or "7d", rounds), 3)
    end
    -- a poll every `poll` at first, then less often the longer it waits (stateless: a resumed
    -- wait gets the same pace from its first start)
    local pause = math.max(poll, math.min(max_poll, elapsed / 4))
    sleep(math.min(pause, timeout - elapsed))
  end
end

return M

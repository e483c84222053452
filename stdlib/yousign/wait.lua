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

function M.wait(fetch, predicate, options, now, sleep, mark)
  if type(fetch) ~= "function" then error("bad argument #1 to 'yousign.wait' (function expected, got " .. type(fetch) .. ")", 3) end
  if type(predicate) ~= "function" then error("bad argument #2 to 'yousign.wait' (function expected, got " .. type(predicate) .. ")", 3) end
  options = options or {}
  local timeout = M.seconds(options.timeout or "10m", "timeout")
  local interval = M.seconds(options.interval or "5s", "interval")
  local max_interval = M.seconds(options.max_interval or "60s", "max_interval")
  -- a wait longer than a year is a mistake, and would overflow the clocks it moves
  for what, value in pairs{ timeout = timeout, interval = interval, max_interval = max_interval } do
    if not (value >= 0 and value <= 366 * 86400) then
      error("yousign.wait: " .. what .. " must be between 0 and 366 days (got " .. tostring(options[what] or value) .. ")", 3)
    end
  end
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

return M

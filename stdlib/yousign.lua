-- The Lua side of the `yousign` and `emulator` modules. The host runs this file once per
-- state with its table of host functions and gets back two module loaders and a setup
-- function; scripts reach the result through require("yousign") (also the global `yousign`).
--
-- Every host function answers `true, result` or `false, err`; this file raises, so errors
-- point at the script's own line. API errors are tables (status, type, detail,
-- invalid_params, method, path) with a __tostring; argument errors are strings.
local host = ...
if type(host) ~= "table" or host.call == nil then
  error("the yousign module is provided by the host: use require('yousign')", 2)
end

local paginate = require("yousign.paginate")
local wait = require("yousign.wait")
local names = require("yousign.names")

local ApiError = { __name = "yousign.error" }
ApiError.__index = ApiError

function ApiError.__tostring(e)
  local text = (e.method or "?") .. " " .. (e.path or "?") .. ": "
  if e.status then text = text .. e.status .. " " end
  text = text .. (e.type or "error")
  if e.detail and e.detail ~= "" then text = text .. ": " .. e.detail end
  if e.invalid_params and #e.invalid_params > 0 then
    local parts = {}
    for i, p in ipairs(e.invalid_params) do parts[i] = tostring(p.name) .. ": " .. tostring(p.reason) end
    text = text .. " (" .. table.concat(parts, "; ") .. ")"
  end
  return text
end

-- Raises what a host function reported, at the caller of the API function.
local function raise(err, level)
  if type(err) == "table" then
    error(setmetatable(err, ApiError), level + 1)
  end
  error(err, level + 1)
end

local call, request, control = host.call, host.request, host.control

local M = { backend = host.backend }

--- Is `v` an error raised by a yousign call (the value pcall returns)?
function M.is_error(v)
  return getmetatable(v) == ApiError
end

local namespaces = { [M] = "yousign" }   -- every table of functions, with its path

local function table_at(root, parts, count)
  local t = root
  for i = 1, count do
    local key = parts[i]
    local next_t = t[key]
    if next_t == nil then
      next_t = {}
      t[key] = next_t
      namespaces[next_t] = namespaces[t] .. "." .. key
    end
    t = next_t
  end
  return t
end

-- host.operations: a line per operation, "index name path-parameters paginated(0|1)"
for index, name, nparams, paginated in host.operations:gmatch("(%d+) ([%w_.]+) (%d+) ([01])\n") do
  local parts = {}
  for part in name:gmatch("[^.]+") do parts[#parts + 1] = part end
  local t = table_at(M, parts, #parts - 1)
  index, nparams = math.tointeger(tonumber(index)), math.tointeger(tonumber(nparams))
  local fn = function(...)
    if rawequal((...), t) then error(names.colon_call("yousign." .. name), 2) end
    local ok, result = call(index, ...)
    if not ok then raise(result, 2) end
    return result
  end
  t[parts[#parts]] = fn
  if paginated == "1" and parts[#parts] == "list" then
    t.each = function(...)
      if rawequal((...), t) then error(names.colon_call(namespaces[t] .. ".each"), 2) end
      return paginate.each(fn, nparams, ...)
    end
  end
end

--- yousign.request{ method = "GET", path = "/workflow_sessions", query = {...}, body = {...} }
function M.request(spec)
  if type(spec) ~= "table" then
    error("bad argument #1 to 'yousign.request' (table expected, got " .. type(spec) .. ")", 2)
  end
  local ok, result = request(spec.method or (spec.body and "POST" or "GET"), spec.path, spec.query, spec.body)
  if not ok then raise(result, 2) end
  return result
end

--- yousign.wait(fetch, predicate, { timeout = "10m", interval = "5s" })
function M.wait(fetch, predicate, options)
  -- not a tail call: its errors name the script's line (level 3 from wait.lua)
  local resource = wait.wait(fetch, predicate, options, host.now, host.sleep, host.wait)
  return resource
end

--- yousign.wait_for_event{ event = "signature_request.done", id = sr.id, timeout = "14d" } (stdlib/yousign/wait.lua)
function M.wait_for_event(spec)
  local event = wait.wait_for_event(spec, M, host.now, host.sleep, host.wait, host.event)
  return event
end

--- yousign.now(): the flow's clock (the emulator's on an emulator), Unix seconds.
function M.now() return host.now() end

local E
if control then
  local function act(name)
    return function(...)
      local ok, result = control(name, ...)
      if not ok then raise(result, 2) end
      return result
    end
  end
  E = {
    sign = act("sign"),
    decline = act("decline"),
    approve = act("approve"),
    reject = act("reject"),
    advance = act("advance"),
    reset = act("reset"),
    reset_clock = act("reset_clock"),
    deliveries = act("deliveries"),
    clear_faults = act("clear_faults"),
  }
  --- emulator.complete(verification_type, id, status [, status_codes])
  function E.complete(verification_type, id, status, codes)
    local ok, result = control("complete", verification_type, id, status, codes)
    if not ok then raise(result, 2) end
    return result
  end
  --- emulator.now(): the emulator's clock, Unix seconds.
  function E.now()
    local ok, result = control("clock")
    if not ok then raise(result, 2) end
    return result.unix
  end
  --- emulator.seed{ templates = { { name = "Loan onboarding", action_groups = { "identity_verification",
  --- "signature_request" } } } }: adds workflow templates (Yousign staff make them; the emulator's
  --- fixtures have three). Returns { templates = { <each as GET /v3/workflow_templates shows it> } }.
  function E.seed(fixtures)
    if type(fixtures) ~= "table" then error("emulator.seed{ templates = {...} }: a table expected, got " .. type(fixtures), 2) end
    for key in pairs(fixtures) do
      if key ~= "templates" then error("emulator.seed: unknown key '" .. tostring(key) .. "' (known: templates)", 2) end
    end
    local made = {}
    for i, template in ipairs(fixtures.templates or {}) do
      local ok, result = control("add_template", template)
      if not ok then raise(result, 2) end
      made[i] = result
    end
    return { templates = made }
  end
  --- emulator.faults{ path = "/signature_requests/*/documents", status = 503 [, method, count, retry_after] }
  --- or { path = ..., drop = true }: adds a fault rule; emulator.faults() adds none. Returns the
  --- active rules, each { id, method, path, status or drop, retry_after, remaining }.
  function E.faults(rule)
    local ok, result
    if rule == nil then
      ok, result = control("list_faults")
    else
      ok, result = control("faults", rule)
    end
    if not ok then raise(result, 2) end
    return result.faults
  end
end

--- yousign.webhooks.verify(raw_body, signature_header, secret) -> boolean: whether a webhook's
--- X-Yousign-Signature-256 (sha256=<hex HMAC-SHA256>) is its raw body's under the secret.
M.webhooks.verify = function(body, signature, secret)
  if rawequal(body, M.webhooks) then error(names.colon_call("yousign.webhooks.verify"), 2) end
  return host.verify_webhook(body, signature, secret)
end

-- A misspelt name or a `:` for a `.` gets a message naming the right one (stdlib/yousign/names.lua).
for name, f in pairs(M) do
  if type(f) == "function" then M[name] = names.dot_only(f, M, "yousign." .. name) end
end
for t, path in pairs(namespaces) do names.guard(t, path) end
if E then
  for name, f in pairs(E) do E[name] = names.dot_only(f, E, "emulator." .. name) end
  names.guard(E, "emulator")
end

-- Once the modules are in place: the flow's clock and random seed come from the host.
local function setup(seed)
  local real_time, real_date = os.time, os.date
  os.time = function(t)
    if t == nil then return math.floor(host.now()) end
    return real_time(t)
  end
  os.date = function(format, t)
    return real_date(format, t or math.floor(host.now()))
  end
  math.randomseed(seed)
  yousign = require("yousign")
  if E then emulator = require("emulator") end
end

return function() return M end, function() return E end, setup

-- The test DSL of `onboard test` (busted's names): describe, it, before_each, after_each,
-- pending, expect, and run_flow. `onboard test` loads each *_test.lua file once to list its
-- tests, then runs each test alone, in a fresh Lua state on a fresh in-memory emulator:
--
--   describe("the seed flow", function()
--     it("ends done", function()
--       local run = run_flow("examples/onboarding.lua", "Kelly", "Smith")
--       expect(run.error).to_be(nil)
--       expect(run.output).to_match("onboarding is done")
--     end)
--   end)
--
-- The runner reads what this module reports from lines of the test's output that start with
-- MARK (a control character no test prints by accident).
local inspect = require("inspect")
local json = require("json")

local M = {}
local MARK = "\30onboard-test "

local root = { name = nil, befores = {}, afters = {}, parent = nil }
local current = root
local tests = {}

-- "file:line" of the caller `level` frames up (error's position, without the debug library)
local function where(level)
  local _, message = pcall(error, "", level + 2)
  return (message:gsub(": $", ""))
end

local function full_name(suite, name)
  local parts = { name }
  while suite and suite.name do
    table.insert(parts, 1, suite.name)
    suite = suite.parent
  end
  return table.concat(parts, " ")
end

function M.describe(name, body)
  if type(name) ~= "string" then error("describe(name, function): the name must be a string", 2) end
  if type(body) ~= "function" then error("describe(\"" .. name .. "\", function): the second argument must be a function", 2) end
  local suite = { name = name, befores = {}, afters = {}, parent = current }
  current = suite
  body()
  current = suite.parent
end

function M.it(name, body)
  if type(name) ~= "string" then error("it(name, function): the name must be a string", 2) end
  if type(body) ~= "function" then error("it(\"" .. name .. "\", function): the second argument must be a function", 2) end
  tests[#tests + 1] = { name = full_name(current, name), at = where(2), body = body, suite = current }
end

function M.pending(name)
  tests[#tests + 1] = { name = full_name(current, tostring(name)), at = where(2), pending = true, suite = current }
end

function M.before_each(body) table.insert(current.befores, body) end
function M.after_each(body) table.insert(current.afters, body) end

-- Expectations ---------------------------------------------------------------------------

local Failure = { __name = "onboard.test.failure" }
Failure.__tostring = function(f) return f.message end

local function fail(message, diff)
  error(setmetatable({ message = message, diff = diff, at = where(3) }, Failure), 0)
end

-- A value for a message: long strings are cut (the whole is in the test's output or the diff).
local function show(v)
  local text = inspect(v)
  if #text > 240 then text = text:sub(1, 200) .. " ... (" .. #text .. " characters)" end
  return text
end

-- The paths where two values differ, as lines: "- expected" and "+ actual".
local function differences(expected, actual, path, out)
  if type(expected) == "table" and type(actual) == "table" then
    local keys, seen = {}, {}
    for k in pairs(expected) do if not seen[k] then seen[k] = true; keys[#keys + 1] = k end end
    for k in pairs(actual) do if not seen[k] then seen[k] = true; keys[#keys + 1] = k end end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do
      local sub = type(k) == "string" and k:match("^[%a_][%w_]*$") and (path .. "." .. k) or (path .. "[" .. show(k) .. "]")
      differences(expected[k], actual[k], sub, out)
    end
  elseif expected ~= actual then
    out[#out + 1] = path .. ": expected " .. show(expected) .. ", got " .. show(actual)
  end
  return out
end

local function deep_equal(a, b)
  return #differences(a, b, "", {}) == 0
end

local Expectation = {}

function M.expect(actual)
  return setmetatable({ actual = actual, negated = false }, Expectation)
end

local function check(self, ok, message, diff)
  if self.negated then ok = not ok; message = "not " .. message end
  if not ok then fail(message, diff) end
  return self
end

-- Methods are called with a dot (expect(x).to_be(y)): each is bound to its expectation.
local methods = {}

function methods.to_be(self, expected)
  return check(self, rawequal(self.actual, expected) or self.actual == expected,
    "expected " .. show(expected) .. ", got " .. show(self.actual))
end

function methods.to_equal(self, expected)
  local diff = differences(expected, self.actual, "value", {})
  return check(self, #diff == 0, "expected a value equal to " .. show(expected) .. ", got " .. show(self.actual),
    #diff > 0 and table.concat(diff, "\n") or nil)
end

function methods.to_be_truthy(self)
  return check(self, self.actual ~= nil and self.actual ~= false, "expected a true value, got " .. show(self.actual))
end

function methods.to_match(self, pattern)
  local ok = type(self.actual) == "string" and self.actual:find(pattern) ~= nil
  return check(self, ok, "expected a string matching " .. show(pattern) .. ", got " .. show(self.actual))
end

function methods.to_contain(self, item)
  local found = false
  if type(self.actual) == "table" then
    for _, v in pairs(self.actual) do if deep_equal(v, item) then found = true end end
  elseif type(self.actual) == "string" then
    found = self.actual:find(item, 1, true) ~= nil
  end
  return check(self, found, "expected " .. show(self.actual) .. " to contain " .. show(item))
end

function methods.to_fail_with(self, pattern)
  if type(self.actual) ~= "function" then fail("expect(fn).to_fail_with: expect a function, got " .. show(self.actual)) end
  local ok, err = pcall(self.actual)
  local text = ok and "" or tostring(err)
  local matches = not ok and (pattern == nil or text:find(pattern) ~= nil)
  return check(self, matches, ok and ("expected the function to fail with " .. show(pattern) .. ", but it returned")
    or ("expected the function to fail with " .. show(pattern) .. ", it failed with " .. show(text)))
end

-- expect(x).never.to_be(y): the opposite
Expectation.__index = function(self, key)
  if key == "actual" or key == "negated" then return nil end   -- expect(nil): no such field
  if key == "never" or key == "not_" then
    return setmetatable({ actual = self.actual, negated = not self.negated }, Expectation)
  end
  local method = methods[key]
  if method then return function(...) return method(self, ...) end end
  error("expect(...)." .. tostring(key) .. " is not an expectation (to_be, to_equal, to_be_truthy, to_match, to_contain, to_fail_with; .never for the opposite)", 2)
end

-- Flows under test ------------------------------------------------------------------------

-- the host's: a flow file's source and chunk name, or nil and why (`onboard test` only)
local flow_source = __onboard_flow_source or function() return nil, "run_flow works under `onboard test`" end
__onboard_flow_source = nil

--- run_flow("examples/onboarding.lua", args...) -> { output = "...", result = {...}, error = nil or "..." }:
--- the flow runs inside this test's emulator, with its own `...`; what it prints is captured.
function M.run_flow(path, ...)
  if type(path) ~= "string" then error("run_flow(path, ...): the path must be a string", 2) end
  local source, chunk_name = flow_source(path)
  if not source then error("run_flow: " .. tostring(chunk_name), 2) end
  local chunk, problem = load(source, chunk_name, "t")
  if not chunk then error("run_flow: " .. problem, 2) end
  local printed = {}
  local real_print, real_arg = print, arg
  -- the flow sees its own arg (flow.here() names its folder), as under `onboard run`
  arg = { [0] = path, ... }
  print = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    printed[#printed + 1] = table.concat(parts, "\t", 1, parts.n) .. "\n"
  end
  local results = table.pack(pcall(chunk, ...))
  print, arg = real_print, real_arg
  local run = { output = table.concat(printed) }
  if results[1] then
    run.result = table.pack(table.unpack(results, 2, results.n))
  else
    run.error = tostring(results[2])
  end
  return run
end

-- The runner's side -----------------------------------------------------------------------

local function report(fields) print(MARK .. json.encode(fields)) end

local function chain(suite, field)
  local list = {}
  while suite do
    table.insert(list, 1, suite[field])
    suite = suite.parent
  end
  return list
end

--- After the test file ran: list its tests, or run the one `index` names.
function M.finish(mode, index)
  if mode == "list" then
    local listed = {}
    for i, t in ipairs(tests) do listed[i] = { name = t.name, at = t.at, pending = t.pending or false } end
    report({ tests = listed })
    return
  end
  local t = tests[index]
  if t == nil then report({ error = "the file has no test " .. tostring(index) .. " any more" }) return end
  if t.pending then report({ status = "pending" }) return end
  local failure
  local function run(f)
    local ok, err = xpcall(f, function(e)
      if getmetatable(e) == Failure then return e end
      return { message = tostring(e), traceback = debug and debug.traceback and debug.traceback("", 2) or nil }
    end)
    if not ok and failure == nil then failure = err end
    return ok
  end
  local befores = chain(t.suite, "befores")
  local ok = true
  for _, list in ipairs(befores) do
    for _, f in ipairs(list) do if ok then ok = run(f) end end
  end
  if ok then run(t.body) end
  local afters = chain(t.suite, "afters")
  for i = #afters, 1, -1 do
    for _, f in ipairs(afters[i]) do run(f) end
  end
  if failure then
    report({ status = "failed", message = failure.message, diff = failure.diff, at = failure.at, traceback = failure.traceback })
  else
    report({ status = "passed" })
  end
end

return M

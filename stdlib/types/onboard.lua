---@meta onboard
-- LuaLS type definitions of what `onboard run` gives every flow beside `yousign`: json, env,
-- the flow helpers (require("flow")), and the test DSL of `onboard test` (docs/testing.md).

---@class json
json = {}
---@param text string
---@return any
function json.decode(text) end
---@param value any
---@return string
function json.encode(value) end
---A table to encode as a JSON array even when empty.
---@param t table?
---@return table
function json.array(t) end
---The JSON null.
json.null = nil

---@class env
env = {}
---A variable granted with --allow-env (nil when unset); a refused one raises.
---@param name string
---@return string?
function env.get(name) end

---The script's arguments: arg[0] the script, arg[1]... the arguments.
---@type table<integer, string>
arg = {}

-- The test DSL (stdlib/test.lua), in `onboard test`.

---A group of tests; groups nest.
---@param name string
---@param body fun()
function describe(name, body) end

---A test.
---@param name string
---@param body fun()
function it(name, body) end

---A test to write: listed and counted, not run.
---@param name string
function pending(name) end

---@param body fun()
function before_each(body) end

---@param body fun()
function after_each(body) end

---@class onboard.Expectation
---@field never onboard.Expectation the opposite of the next expectation
local Expectation = {}
---@param expected any
function Expectation.to_be(expected) end
---Deep equality, with a diff on failure.
---@param expected any
function Expectation.to_equal(expected) end
---@param pattern string a Lua pattern
function Expectation.to_match(pattern) end
---@param item any
function Expectation.to_contain(item) end
function Expectation.to_be_truthy() end
---The value is a function that raises an error matching the pattern.
---@param pattern string?
function Expectation.to_fail_with(pattern) end

---@param actual any
---@return onboard.Expectation
function expect(actual) end

---@class onboard.FlowRun
---@field output string what the flow printed
---@field result table? its return values, packed
---@field error string? its error

---Runs a flow file inside the test's emulator.
---@param path string
---@param ... any the flow's arguments
---@return onboard.FlowRun
function run_flow(path, ...) end

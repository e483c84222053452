-- inspect: a readable, stable rendering of any Lua value.
--
--   local inspect = require("inspect")
--   print(inspect({ id = "abc", signers = { { name = "Kelly" } } }))
--
-- Keys are sorted (numbers first, then strings, then the rest), short arrays stay on one line,
-- strings are quoted, cycles show as <cycle>, and depth and size have limits with a marker.
local M = {}

local DEFAULTS = { depth = 8, items = 200, width = 80, indent = "  " }

local function sort_keys(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local order = { number = 1, string = 2 }
    return (order[ta] or 3) < (order[tb] or 3) or ((order[ta] or 3) == (order[tb] or 3) and ta < tb)
  end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local function is_identifier(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function quote(s)
  return (string.format("%q", s):gsub("\\\n", "\\n"))
end

local function scalar(v)
  local t = type(v)
  if t == "string" then return quote(v) end
  if t == "number" then
    if math.type(v) == "float" and v == math.floor(v) and v > -1e15 and v < 1e15 then
      return string.format("%.1f", v)
    end
    return tostring(v)
  end
  if t == "userdata" and json and v == json.null then return "json.null" end
  if t == "table" or t == "function" or t == "userdata" or t == "thread" then return "<" .. t .. ">" end
  return tostring(v)
end

local function sequence_length(t)
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return nil end
    n = n + 1
  end
  for i = 1, n do
    if rawget(t, i) == nil then return nil end
  end
  return n
end

local render

local function render_table(t, opts, level, seen)
  if seen[t] then return "<cycle>" end
  if level >= opts.depth then return "{...}" end
  seen[t] = true
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, sort_keys)
  if #keys == 0 then
    seen[t] = nil
    return "{}"
  end
  local n = sequence_length(t)
  local parts = {}
  for i, k in ipairs(keys) do
    if i > opts.items then
      parts[#parts + 1] = ("...(%d more)"):format(#keys - opts.items)
      break
    end
    local value = render(t[k], opts, level + 1, seen)
    if n then
      parts[#parts + 1] = value
    elseif is_identifier(k) then
      parts[#parts + 1] = k .. " = " .. value
    else
      parts[#parts + 1] = "[" .. render(k, opts, level + 1, seen) .. "] = " .. value
    end
  end
  seen[t] = nil
  local inline = "{ " .. table.concat(parts, ", ") .. " }"
  if #inline + #opts.indent * level <= opts.width and not inline:find("\n", 1, true) then
    return inline
  end
  local pad = opts.indent:rep(level + 1)
  return "{\n" .. pad .. table.concat(parts, ",\n" .. pad) .. "\n" .. opts.indent:rep(level) .. "}"
end

function render(v, opts, level, seen)
  if type(v) == "table" then return render_table(v, opts, level, seen) end
  return scalar(v)
end

--- Renders `value` as text. Options: depth (8), items per table (200), width (80), indent ("  ").
function M.inspect(value, options)
  local opts = {}
  for k, v in pairs(DEFAULTS) do opts[k] = v end
  for k, v in pairs(options or {}) do opts[k] = v end
  return render(value, opts, 0, {})
end

return setmetatable(M, { __call = function(_, value, options) return M.inspect(value, options) end })

-- Typos in the yousign module's names. Without this, `yousign.signature_request.create{}` fails
-- with "attempt to index a nil value" and `yousign.signature_requests:list()` with a complaint
-- about its query; with it, each namespace table answers a missing name with the closest real
-- ones, and each function refuses to be called with `:`, both at the script's line.
--
--   names.guard(t, "yousign.signature_requests")   -- t's missing string keys raise
--   if rawequal((...), t) then error(names.colon_call("yousign.signature_requests.list"), 2) end
--
-- Nothing is stored in the tables: pairs, #, rawget and the REPL's completion (which reads raw)
-- see the real names only.
local M = {}

local MAX_SUGGESTED = 3
local MAX_LISTED = 8
-- Longer keys are not compared: the distance costs their length times each name's.
local MAX_COMPARED = 64

-- Levenshtein distance between a and b, over bytes.
local function distance(a, b)
  if a == b then return 0 end
  local previous = {}
  for j = 0, #b do previous[j] = j end
  for i = 1, #a do
    local current, byte = { [0] = i }, a:byte(i)
    for j = 1, #b do
      local substitution = previous[j - 1] + (byte == b:byte(j) and 0 or 1)
      current[j] = math.min(previous[j] + 1, current[j - 1] + 1, substitution)
    end
    previous = current
  end
  return previous[#b]
end
M.distance = distance

-- Case and underscores do not make a name farther: signatureRequests is signature_requests.
local function folded(name)
  return (name:lower():gsub("_", ""))
end

local function sorted_names(t)
  local names = {}
  for k in next, t do
    if type(k) == "string" then names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

--- The names of `t` close to `key`, closest first (at most three): within an edit distance of
--  about a quarter of the key's length (at least 2), or starting with it.
function M.closest(key, t)
  if #key > MAX_COMPARED then return {} end
  local limit, wanted = math.max(2, #key // 4), folded(key)
  local found = {}
  for _, name in ipairs(sorted_names(t)) do
    local d = distance(wanted, folded(name))
    if d > limit and #wanted >= 3 and folded(name):sub(1, #wanted) == wanted then d = limit end
    if d <= limit then found[#found + 1] = { name = name, d = d, exact = distance(key, name) } end
  end
  table.sort(found, function(a, b)
    if a.d ~= b.d then return a.d < b.d end
    if a.exact ~= b.exact then return a.exact < b.exact end
    return a.name < b.name
  end)
  local names = {}
  for i = 1, math.min(#found, MAX_SUGGESTED) do names[i] = found[i].name end
  return names
end

-- path.key as the script would write it: .key for a name, ["..."] for anything else, cut
-- short and with control and non-ASCII bytes as \ddd (an error message reaches a terminal).
local function joined(path, key)
  local cut = #key > MAX_COMPARED and "..." or ""
  key = key:sub(1, MAX_COMPARED)
  if key:match("^[%a_][%w_]*$") then return path .. "." .. key .. cut end
  local shown = key:gsub("[%c\"\\\128-\255]", function(c) return "\\" .. c:byte() end)
  return path .. "[\"" .. shown .. cut .. "\"]"
end

local function quoted_list(path, names)
  local parts = {}
  for i, name in ipairs(names) do parts[i] = "`" .. joined(path, name) .. "`" end
  if #parts == 1 then return parts[1] end
  return table.concat(parts, ", ", 1, #parts - 1) .. " or " .. parts[#parts]
end

--- The message for `path[key]` missing from `t`.
function M.missing(t, path, key)
  local message = "no `" .. joined(path, key) .. "`"
  local close = M.closest(key, t)
  if #close > 0 then return message .. "; did you mean " .. quoted_list(path, close) .. "?" end
  local names = sorted_names(t)
  if #names == 0 then return message end
  local shown = table.concat(names, ", ", 1, math.min(#names, MAX_LISTED))
  if #names > MAX_LISTED then shown = shown .. " and " .. (#names - MAX_LISTED) .. " more" end
  return message .. "; `" .. path .. "` has " .. shown
end

--- The message for `path(...)` called as a method.
function M.colon_call(path)
  local owner, name = path:match("^(.*)%.([^.]+)$")
  return "`" .. owner .. ":" .. name .. "(...)` called with `:`; use `.`: `" .. path .. "(...)`"
end

--- Makes reading a missing string key of `t` (named `path`) an error at the reader's line.
--  Other keys (t[1], as ipairs reads) stay nil.
function M.guard(t, path)
  return setmetatable(t, {
    __index = function(_, key)
      if type(key) == "string" then error(M.missing(t, path, key), 2) end
      return nil
    end,
  })
end

--- `f`, refusing a call whose first argument is `t` itself (`t:f()` for `t.f()`).
function M.dot_only(f, t, path)
  return function(...)
    if rawequal((...), t) then error(M.colon_call(path), 2) end
    return f(...)
  end
end

return M

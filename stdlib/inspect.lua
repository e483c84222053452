-- inspect: a readable, stable rendering of any Lua value, for scripts and the REPL.
--
--   local inspect = require("inspect")
--   print(inspect({ id = "abc", signers = { { name = "Kelly" } } }))
--   print(inspect(value, { depth = 2, color = true }))
--   print(inspect.values(table.pack(f())))   -- several results, as the REPL prints them
--
-- Layout: keys sorted (numbers, then strings, then the rest); a table stays on one line when it
-- fits `width`, else one entry per line. Leading keys 1, 2, 3... are implicit, identifier keys
-- bare, others in brackets. Strings are quoted with escapes ("\n", "\t", "\0"...); integral
-- floats keep a ".0"; infinities show as math.huge, NaN as 0/0; functions, threads and userdata
-- as <function>, <thread>, <userdata> (json.null as json.null). A key that was null in the API
-- response a table came from, and is still absent, shows as `key = null` (json.nulls). A table whose metatable has a
-- __tostring or __name gets a header: <name: tostring> { fields }.
-- Limits: {...} past `depth`; ...(N more) past `items` entries of a table; <cycle> for a table
-- inside itself (a table seen twice elsewhere prints twice); past `max_length` bytes the output
-- stops with ...(output truncated).
-- Safety: values are read raw (next, rawget): no __index, __pairs, __len or __eq of theirs runs.
-- Only __tostring is called, under pcall, its result cut to 200 bytes; __name is only read. The
-- sandbox's read-only host tables (metatable "locked"), empty when read raw, are read through
-- their host iterator.
-- Secrets: a string or number under a key whose name, lower-cased with "-" and spaces read as
-- "_", contains secret, password, passwd, token, api_key, apikey, authorization or private_key,
-- or is exactly "key", shows as "<redacted>". `redact = false` turns this off.
-- Options: depth (8), items per table (200), width (80), indent ("  "), max_length (20000),
-- color (false; ANSI colours, never counted in widths), redact (true).
local M = {}

local DEFAULTS = { depth = 8, items = 200, width = 80, indent = "  ", max_length = 20000, color = false, redact = true }

-- ANSI SGR colours by kind of token; keys and punctuation keep the terminal's colour.
local COLORS = { string = "32", number = "33", boolean = "36", marker = "90" }
local TRUNCATED = "...(output truncated)"
local HEADER_MAX = 200
local SECRET_WORDS = { "secret", "password", "passwd", "token", "api_key", "apikey", "authorization", "private_key" }
local RANK = { number = 1, string = 2 }
local ESCAPES = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r", ['"'] = '\\"', ["\\"] = "\\\\" }
local KEYWORDS = {}
for word in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%a+") do
  KEYWORDS[word] = true
end

-- Display width of a piece of text: UTF-8 characters count once.
local function width(s)
  return utf8.len(s) or #s
end

-- The first `n` bytes of `s`, never splitting a UTF-8 character.
local function cut(s, n)
  while n > 0 and n < #s and s:byte(n + 1) & 0xC0 == 0x80 do n = n - 1 end
  return s:sub(1, n)
end

-- Escapes what `pattern` matches: control characters as \n, \t, \r or \ddd (like %q).
local function escape(s, pattern)
  return (s:gsub(pattern, function(c, digit)
    return (ESCAPES[c] or (digit ~= "" and "\\%03d" or "\\%d"):format(c:byte())) .. digit
  end))
end

-- A quoted string; one longer than `max` is cut, as the output stops before its end anyway.
local function quote(s, max)
  if #s > max then s = s:sub(1, max + 1) end
  return '"' .. escape(s, '([%c"\\])(%d?)') .. '"'
end

local function number_text(v)
  if v ~= v then return "0/0" end
  if v == math.huge then return "math.huge" end
  if v == -math.huge then return "-math.huge" end
  if math.type(v) == "integer" then return tostring(v) end
  if v == math.floor(v) and v > -1e15 and v < 1e15 then return ("%.1f"):format(v) end
  return ("%.14g"):format(v)
end

-- The text and colour of a value that is not rendered as a table (tables give <table>, for keys).
local function scalar(v, st)
  local t = type(v)
  if t == "string" then return quote(v, st.opts.max_length), "string" end
  if t == "number" then return number_text(v), "number" end
  if t == "boolean" then return tostring(v), "boolean" end
  if t == "nil" then return "nil", "marker" end
  if st.null ~= nil and rawequal(v, st.null) then return "json.null", "marker" end
  if t == "userdata" then
    local mt = getmetatable(v)
    local name = type(mt) == "table" and rawget(mt, "__name")
    if type(name) == "string" then return "<userdata: " .. escape(cut(name, HEADER_MAX), "(%c)(%d?)") .. ">", "marker" end
  end
  return "<" .. t .. ">", "marker"
end

local function is_identifier(k)
  return type(k) == "string" and not KEYWORDS[k] and k:match("^[%a_][%w_]*$") ~= nil
end

local function is_secret(key)
  if type(key) ~= "string" then return false end
  key = key:lower():gsub("[-%s]", "_")
  if key == "key" then return true end
  for _, word in ipairs(SECRET_WORDS) do
    if key:find(word, 1, true) then return true end
  end
  return false
end

-- Key order: numbers, strings, then other types by type name and in the order `next` found them.
local function key_less(a, b, order)
  local ta, tb = type(a), type(b)
  if ta == tb and RANK[ta] then return a < b end
  local ra, rb = RANK[ta] or 3, RANK[tb] or 3
  if ra ~= rb then return ra < rb end
  if ta ~= tb then return ta < tb end
  if ta == "boolean" then return b and not a end
  return order[a] < order[b]
end

-- A table to read raw: `t` itself, or for a read-only host proxy (its metatable is the string
-- "locked", and it is empty read raw) a copy made through its host iterator. The REPL's
-- completion reads tables through it too (M.readable).
local function readable(t)
  if type(t) == "table" and getmetatable(t) == "locked" and next(t) == nil then
    local copy = {}
    if pcall(function() for k, v in pairs(t) do copy[k] = v end end) then return copy end
  end
  return t
end

-- Stands for a key that was JSON null in the response a table came from (json.nulls).
local NULL = setmetatable({}, { __name = "null" })

-- `t`, or when it remembers null keys from its JSON (json.nulls) a copy with NULL in their place.
local function with_nulls(t, st)
  if not st.nulls then return t end
  local ok, keys = pcall(st.nulls, t)
  if not ok or #keys == 0 then return t end
  local copy = {}
  for k, v in next, t do copy[k] = v end
  for _, k in ipairs(keys) do copy[k] = NULL end
  return copy
end

-- The table to read `t` through, the first `limit` of its keys in order, and how many more.
local function entries(t, limit, st)
  local read = with_nulls(readable(t), st)
  local count, sequence = 0, true
  for _ in next, read do count = count + 1 end
  for i = 1, count do
    if rawget(read, i) == nil then sequence = false break end
  end
  local keys = {}
  if sequence then
    for i = 1, math.min(count, limit) do keys[i] = i end
    return read, keys, count - #keys
  end
  local order = {}
  for k in next, read do
    keys[#keys + 1] = k
    if not RANK[type(k)] then order[k] = #keys end
  end
  local less = function(a, b) return key_less(a, b, order) end
  if count <= limit then
    table.sort(keys, less)
    return read, keys, 0
  end
  local best = {} -- the smallest `limit` keys, kept sorted, without sorting them all
  for _, k in ipairs(keys) do
    local n = #best
    if limit > 0 and (n < limit or less(k, best[n])) then
      local lo, hi = 1, n + 1
      while lo < hi do
        local mid = (lo + hi) // 2
        if less(k, best[mid]) then hi = mid else lo = mid + 1 end
      end
      table.insert(best, lo, k)
      if n == limit then best[n + 1] = nil end
    end
  end
  return read, best, count - #best
end

-- Building: a tree of nodes with their one-line widths, so layout is decided without
-- building strings twice. `st.used` counts the bytes built, to stop early on huge values.
local function spend(st, bytes)
  st.used = st.used + bytes
  if st.used > st.opts.max_length then st.cut = true end
end

local function leaf(st, text, color)
  spend(st, #text)
  return { text = text, color = color, w = width(text) }
end

local calling_tostring = false

-- The header of a table with a __tostring or __name: <name: tostring>, <tostring> or <name>.
local function header(t, st)
  local mt = getmetatable(t)
  if type(mt) ~= "table" then return nil end
  local name, text = rawget(mt, "__name"), nil
  name = type(name) == "string" and name or nil
  if rawget(mt, "__tostring") ~= nil and not calling_tostring then
    calling_tostring = true -- a __tostring that inspects its table must not recurse forever
    local ok, s = pcall(tostring, t)
    calling_tostring = false
    text = ok and type(s) == "string" and s or "__tostring failed"
    if #text > HEADER_MAX then text = cut(text, HEADER_MAX) .. "..." end
  end
  if not (name or text) then return nil end
  text = (name and text) and name .. ": " .. text or name or text
  return leaf(st, "<" .. escape(text, "(%c)(%d?)") .. ">", "marker")
end

local function build(v, level, st, key)
  if rawequal(v, NULL) then return leaf(st, "null", "marker") end
  if type(v) ~= "table" then
    if st.opts.redact and (type(v) == "string" or type(v) == "number") and is_secret(key) then
      return leaf(st, '"<redacted>"', "marker")
    end
    return leaf(st, scalar(v, st))
  end
  if st.ancestors[v] then return leaf(st, "<cycle>", "marker") end
  if level >= st.opts.depth then return leaf(st, "{...}", "marker") end
  spend(st, 4) -- "{ " and " }", so that even a tree of empty tables stops at the budget
  st.ancestors[v] = true
  local node = { head = header(v, st), keys = {}, vals = {}, kw = {} }
  local read, keys, more = entries(v, st.opts.items, st)
  local w, implicit = 0, 1
  for _, k in ipairs(keys) do
    if st.cut then break end
    local prefix
    if k == implicit then
      prefix, implicit = "", implicit + 1
    elseif is_identifier(k) then
      prefix = k .. " = "
    else
      prefix = "[" .. scalar(k, st) .. "] = "
    end
    spend(st, #prefix + 2)
    local child = build(rawget(read, k), level + 1, st, k)
    local n = #node.vals + 1
    node.keys[n], node.vals[n], node.kw[n] = prefix, child, width(prefix)
    w = w + node.kw[n] + child.w
  end
  if more > 0 and not st.cut then
    local n = #node.vals + 1
    node.keys[n], node.vals[n], node.kw[n] = "", leaf(st, ("...(%d more)"):format(more), "marker"), 0
    w = w + node.vals[n].w
  end
  st.ancestors[v] = nil
  local n = #node.vals
  node.w = (node.head and node.head.w + 1 or 0) + (n == 0 and 2 or w + 2 * (n - 1) + 4)
  return node
end

-- Writing: pieces go to `st.out` until `max_length` bytes, then the truncation marker.
local function paint(st, text, color)
  if color and st.opts.color and text ~= "" then return "\27[" .. COLORS[color] .. "m" .. text .. "\27[0m" end
  return text
end

local function put(st, text, color, w)
  if st.done then return end
  local room = st.opts.max_length - st.bytes
  if #text > room then
    text, st.done = cut(text, room), true
  end
  st.bytes, st.vis = st.bytes + #text, st.vis + (w or #text)
  st.out[#st.out + 1] = paint(st, text, color)
  if st.done then st.out[#st.out + 1] = paint(st, TRUNCATED, "marker") end
end

-- Writes `node` starting at column `col`; `inline` once an enclosing table is on one line.
local function emit(node, level, col, st, inline)
  if st.done then return end
  if not node.vals then return put(st, node.text, node.color, node.w) end
  if node.head then
    put(st, node.head.text, node.head.color, node.head.w)
    put(st, " ")
  end
  local n = #node.vals
  if n == 0 then return put(st, "{}") end
  if inline or col + node.w <= st.opts.width then
    put(st, "{ ")
    for i = 1, n do
      if i > 1 then put(st, ", ") end
      put(st, node.keys[i], nil, node.kw[i])
      emit(node.vals[i], level + 1, 0, st, true)
    end
    return put(st, " }")
  end
  local inner = st.opts.indent:rep(level + 1)
  put(st, "{")
  for i = 1, n do
    put(st, (i > 1 and ",\n" or "\n") .. inner, nil, 0)
    put(st, node.keys[i], nil, node.kw[i])
    emit(node.vals[i], level + 1, #inner + node.kw[i], st, false)
  end
  put(st, "\n" .. st.opts.indent:rep(level) .. "}", nil, 0)
end

-- The text of `value` and its display width (meaningful when it is one line).
local function render(value, options)
  local opts = {}
  for k, default in next, DEFAULTS do
    local o = nil
    if type(options) == "table" then o = options[k] end
    if o == nil then o = default end
    opts[k] = o
  end
  local ok, null = pcall(function() return type(json) == "table" and json.null or nil end)
  local ok_nulls, nulls = pcall(function() return type(json) == "table" and json.nulls or nil end)
  local st = { opts = opts, ancestors = {}, used = 0, cut = false, out = {}, bytes = 0, vis = 0,
    null = ok and null or nil, nulls = ok_nulls and type(nulls) == "function" and nulls or nil }
  emit(build(value, 0, st, nil), 0, 0, st, false)
  if st.cut and not st.done then st.out[#st.out + 1] = paint(st, TRUNCATED, "marker") end
  return table.concat(st.out), st.vis
end

-- render, but a failure (a bad option, say) becomes text instead of an error.
local function safe_render(value, options)
  local ok, text, vis = pcall(render, value, options)
  if ok then return text, vis end
  text = "<inspect failed: " .. (type(text) == "string" and text or "error") .. ">"
  return text, #text
end

--- Renders `value` as text. Options: see the header of this file.
function M.inspect(value, options)
  return (safe_render(value, options))
end

--- Renders the results of a call, packed with table.pack (field n), as the REPL prints them:
--- on one line separated by ", " when each is one line and they fit `width`, else one per line.
M.readable = readable

function M.values(packed, options)
  local n = rawget(packed, "n") or rawlen(packed)
  local limit = type(options) == "table" and tonumber(options.width) or DEFAULTS.width
  local texts, total, lines = {}, 0, false
  for i = 1, n do
    local text, vis = safe_render(rawget(packed, i), options)
    texts[i], total = text, total + vis + (i > 1 and 2 or 0)
    lines = lines or text:find("\n", 1, true) ~= nil
  end
  return table.concat(texts, (lines or total > limit) and "\n" or ", ")
end

return setmetatable(M, { __call = function(_, value, options) return M.inspect(value, options) end })

-- repl: the Lua side of `onboard repl`. The host loads this file once per session, keeps the
-- table it returns and calls it for what the user types; it prints what comes back:
--
--   local status, text = repl.eval("1 + 1", "=stdin", { color = true })   -- "ok", "2"
--   repl.eval("function f()", "=stdin", {})              -- "incomplete": read more, call again
--   repl.eval("x = = 1", "=stdin", {})                   -- "syntax", "stdin:1: unexpected symbol near '='"
--   repl.eval(source, "@setup.lua", { file = true })     -- .load setup.lua: runs the whole file
--   local start, words = repl.complete("yousign.si")     -- 9, { "signature_requests", "signers" }
--
-- As in lua5.4's own REPL, a line is first tried as an expression (`1+1` shows 2, `f()` shows
-- f's results), then as statements; a statement the line leaves unfinished is "incomplete".
-- Runtime errors are not caught: they reach the host, which reports them with a traceback; the
-- error value is kept in the global `_err` first. The first value a line shows is kept in `_`.
-- Completion reads tables raw (following __index tables, calling no metamethod): fields after
-- `a.b.`, functions after `a:`, names, keys in `t["`, and ids seen in results in other strings.
--
-- Prompt locals. Unlike lua5.4's REPL, `local` typed at the prompt (or at the top level of a
-- file run by .load) lasts for the rest of the session:
--   * a prompt local is visible to every later line and to functions defined later (they read
--     it through the session's environment, not as an upvalue);
--   * assigning to it (`x = 2`, from any line or function) updates it; it never becomes a
--     global, and from then on it hides a global of the same name;
--   * `local x = x` still reads the earlier x (the global, or the previous prompt local): a
--     name becomes a prompt local when its `local` statement runs (or the line fails);
--   * attributes are dropped at the top level: `<const>` does not stop later assignments and
--     `<close>` does nothing at the prompt;
--   * inside one line, locals in functions and blocks (`do ... end`, loops) are real locals
--     and behave normally; only top-level `local` statements are rewritten (same line numbers).
local load, next, type, pcall, select, ipairs = load, next, type, pcall, select, ipairs
local rawget, rawset, setmetatable, getmetatable = rawget, rawset, setmetatable, getmetatable
local string_lib = string
local sub, find, match, gsub, format, byte = string.sub, string.find, string.match, string.gsub, string.format, string.byte
local concat, sort, pack, insert, remove = table.concat, table.sort, table.pack, table.insert, table.remove
local inspect = require("inspect")
local inspect_values = rawget(inspect, "values")
local G = _G

local M = {}

local MAX_HOPS = 10       -- __index tables followed by completion
local MAX_IDS = 50        -- ids remembered for completion inside strings
local ID_DEPTH, ID_FIELDS = 4, 2000

local KEYWORDS = {}
for word in string.gmatch("and break do else elseif end false for function goto if in local nil not or "
  .. "repeat return then true until while", "%a+") do KEYWORDS[word] = true end

-- The session: values of prompt locals, and which names are prompt locals. A name a running
-- line declares is "pending" until its `local` statement assigns it, then true.
local locals, declared = {}, {}
local assigned = { n = 0 }   -- tables the running line assigned to names (for ids)

-- The environment of every line: prompt locals first, then the globals.
local env = setmetatable({}, {
  __index = function(_, k)
    if declared[k] == true then return locals[k] end
    return G[k]
  end,
  __newindex = function(_, k, v)
    if declared[k] then declared[k], locals[k] = true, v else G[k] = v end
    -- the first tables a line assigns (`s = yousign.workflow_sessions.create{...}`) are searched
    -- for ids after it, like the results it shows
    if type(v) == "table" and assigned.n < 8 then assigned.n = assigned.n + 1; assigned[assigned.n] = v end
  end,
})

local OPS3 = { ["..."] = true }
local OPS2 = { ["=="] = true, ["~="] = true, ["<="] = true, [">="] = true, ["//"] = true,
  ["::"] = true, ["<<"] = true, [">>"] = true, [".."] = true }

-- Splits code into tokens { kind, text, s, e }: kind is "name" (keywords included), "number",
-- "string", "comment" or "op"; s and e are byte positions. A string or comment that the code
-- leaves unfinished (or a short comment that runs to its end) has open = true.
local function tokenize(code)
  local tokens, i, n = {}, 1, #code
  while true do
    i = find(code, "[^ \t\r\n\f\v]", i)
    if not i then return tokens end
    local c = sub(code, i, i)
    local kind, e, open
    local level = match(code, "^%[(=*)%[", c == "-" and i + 2 or i)
    if c == "-" and sub(code, i + 1, i + 1) == "-" then
      kind = "comment"
      if level then
        local _, close = find(code, "]" .. level .. "]", i + 4 + #level, true)
        e, open = close or n, close == nil
      else
        local nl = find(code, "[\r\n]", i + 2)
        e, open = nl and nl - 1 or n, nl == nil
      end
    elseif c == "[" and level then
      kind = "string"
      local _, close = find(code, "]" .. level .. "]", i + 2 + #level, true)
      e, open = close or n, close == nil
    elseif c == '"' or c == "'" then
      kind = "string"
      local j = i + 1
      repeat
        local k = find(code, "[\\\r\n" .. c .. "]", j)
        local ch, after = k and sub(code, k, k), k and sub(code, k + 1, k + 2)
        if not k then e, open = n, true
        elseif ch == c then e = k
        elseif ch ~= "\\" then e, open = k - 1, true               -- a line break ends it unfinished
        elseif sub(after, 1, 1) == "z" then j = select(2, find(code, "^z%s*", k + 1)) + 1
        else j = k + ((after == "\r\n" or after == "\n\r") and 3 or 2) end
      until e
    elseif find(code, "^%.?%d", i) then
      kind = "number"
      local expo = find(code, "^0[xX]", i) and "[pP]" or "[eE]"
      e = i - 1                                         -- as Lua reads them: 0x1p-4, 3e+2, .5
      while true do
        local ch = sub(code, e + 1, e + 1)
        if ch ~= "" and find(ch, expo) then e = e + (find(code, "^[+-]", e + 2) and 2 or 1)
        elseif ch ~= "" and find(ch, "[%x.]") then e = e + 1
        else break end
      end
    elseif find(c, "[%a_]") then
      kind = "name"
      e = select(2, find(code, "^[%w_]*", i + 1))
    else
      kind = "op"
      e = OPS3[sub(code, i, i + 2)] and i + 2 or OPS2[sub(code, i, i + 1)] and i + 1 or i
    end
    tokens[#tokens + 1] = { kind = kind, text = sub(code, i, e), s = i, e = e, open = open }
    i = e + 1
  end
end

local function is_op(token, text)
  return token ~= nil and token.kind == "op" and token.text == text
end

-- Rewrites the top-level `local` statements of code (block depth 0 of the chunk) into
-- assignments to the session environment, and lists the names they declare:
--   local a, b = 1, 2          ->  a, b = 1, 2
--   local a <const> = 1        ->  a = 1
--   local a                    ->  a = nil
--   local function f(n) end    ->  function f(n) end
-- Locals inside functions and blocks stay. Comments and strings are never touched.
local function rewrite_locals(code)
  local tokens = {}
  for _, t in ipairs(tokenize(code)) do
    if t.kind ~= "comment" then tokens[#tokens + 1] = t end
  end
  local edits, names, named = {}, {}, {}
  local function declare(name)
    if not named[name] then named[name] = true; names[#names + 1] = name end
  end
  local depth, i = 0, 1
  while i <= #tokens do
    local t = tokens[i]
    local word = t.kind == "name" and t.text
    if word == "function" or word == "do" or word == "if" or word == "repeat" then
      depth = depth + 1      -- `while` and `for` open their block with `do`
    elseif word == "end" or word == "until" then
      depth = depth - 1
    elseif word == "local" and depth == 0 then
      -- Drop the keyword and the blanks after it (not line breaks).
      edits[#edits + 1] = { s = t.s, e = select(2, find(code, "^[ \t]*", t.e + 1)), text = "" }
      local nxt = tokens[i + 1]
      if nxt and nxt.kind == "name" and nxt.text == "function" then
        if tokens[i + 2] then declare(tokens[i + 2].text) end  -- the next turn counts `function`
      else
        local j, last = i + 1, nil
        while tokens[j] and tokens[j].kind == "name" do
          declare(tokens[j].text)
          last = tokens[j].e
          j = j + 1
          if is_op(tokens[j], "<") and is_op(tokens[j + 2], ">") then
            -- drop the attribute, keeping any line breaks so that line numbers do not move
            local gt = tokens[j + 2].e
            edits[#edits + 1] = { s = last + 1, e = gt, text = gsub(sub(code, last + 1, gt), "[^\r\n]", "") }
            last = gt
            j = j + 3
          end
          if not is_op(tokens[j], ",") then break end
          j = j + 1
        end
        if last and not is_op(tokens[j], "=") then
          edits[#edits + 1] = { s = last + 1, e = last, text = " = nil" }
        end
        i = j - 1
      end
    end
    i = i + 1
  end
  if #edits == 0 then return code, names end
  local parts, pos = {}, 1
  for _, edit in ipairs(edits) do
    parts[#parts + 1] = sub(code, pos, edit.s - 1)
    parts[#parts + 1] = edit.text
    pos = edit.e + 1
  end
  parts[#parts + 1] = sub(code, pos)
  return concat(parts), names
end
M.rewrite_locals = rewrite_locals

-- A table to read raw (a read-only host proxy is read through its host iterator): inspect's.
local readable = rawget(inspect, "readable")

local ids = {}   -- most recent first

local function remember_id(id)
  for i = #ids, 1, -1 do if ids[i] == id then remove(ids, i) end end
  insert(ids, 1, id)
  ids[MAX_IDS + 1] = nil
end

-- Remembers the string values of fields named id or *_id found in results (a bounded walk).
local function remember_ids(results)
  local budget, seen = ID_FIELDS, {}
  local function walk(t, depth)
    if depth > ID_DEPTH or seen[t] then return end
    seen[t] = true
    for k, v in next, readable(t) do
      budget = budget - 1
      if budget < 0 then return end
      if type(k) == "string" and type(v) == "string" and #v <= 200 and (k == "id" or sub(k, -3) == "_id") then
        remember_id(v)
      elseif type(v) == "table" then
        walk(v, depth + 1)
      end
    end
  end
  for i = 1, results.n do
    if type(results[i]) == "table" then walk(results[i], 1) end
  end
end

local function values_of(...) return ... end

-- Runs a compiled line. Names it declares are pending while it runs and prompt locals after,
-- even when it fails; a failure's error value goes to `_err` on its way to the host.
local function run(prompt_chunk, names, pass)
  for _, name in ipairs(names or {}) do
    if not declared[name] then declared[name] = "pending" end
  end
  local guard <close> = setmetatable({}, { __close = function(_, err)
    for _, name in ipairs(names or {}) do declared[name] = true end
    if err ~= nil then rawset(G, "_err", err) end
  end })
  local results
  if pass then results = pack(prompt_chunk(pass)) else results = pack(prompt_chunk()) end
  return results
end

--- Compiles and runs code typed at the prompt (or a whole file with opts.file). Returns
--  "incomplete", or "syntax", message, or "ok", the results rendered ("" when none).
function M.eval(code, chunkname, opts)
  opts = opts or {}
  chunkname = chunkname or "=stdin"
  local file = opts.file == true
  if file then code = gsub(code, "^#[^\r\n]*", "", 1) end   -- a #! line, as lua does for files
  -- the expression form hands its values to a function instead of returning a call: a tail
  -- call would drop this line's frame, and an error's location with it. The closing
  -- parenthesis goes on the same line, or an error in the expression's last part would be
  -- reported on the next line (stdin:2); only a trailing comment needs it on a line of its own
  -- (tried only when the line holds "--": a statement is not compiled three times).
  local prefix = "local __onboard_values = ...; return __onboard_values("
  local fn = not file and (load(prefix .. code .. ")", chunkname, "t", env)
    or (find(code, "--", 1, true) and load(prefix .. code .. "\n)", chunkname, "t", env)) or nil)
  local pass = fn and values_of or nil
  local names
  if not fn then
    local err
    fn, err = load(code, chunkname, "t", env)
    if not fn then
      if not file and type(err) == "string" and sub(err, -5) == "<eof>" then return "incomplete" end
      return "syntax", err
    end
    local ok, rewritten, found = pcall(rewrite_locals, code)
    if ok and #found > 0 then
      local fn2 = load(rewritten, chunkname, "t", env)
      if fn2 then fn, names = fn2, found end
    end
  end
  assigned = { n = 0 }
  local results = run(fn, names, pass)
  pcall(remember_ids, assigned)
  assigned = { n = 0 }
  if results.n == 0 then return "ok", "" end
  rawset(G, "_", results[1])
  pcall(remember_ids, results)
  return "ok", inspect_values(results, { color = opts.color == true })
end

-- The tables where indexing v looks, in order, read raw: v itself, then the tables its
-- metatables' __index lead to (at most MAX_HOPS). A string value stands for the string library.
-- Nothing is called (but a read-only host proxy's iterator): an __index function ends it.
local function chain(v)
  local list = {}
  if type(v) == "string" then v = string_lib end
  for _ = 1, MAX_HOPS do
    if type(v) == "table" then list[#list + 1] = readable(v) end
    local mt = getmetatable(v)
    v = type(mt) == "table" and rawget(mt, "__index") or nil
    if type(v) ~= "table" then break end
  end
  return list
end

-- Calls visit(key, value) once per key along the chain of v (the nearest wins).
local function each_field(v, visit)
  local seen = {}
  for _, t in ipairs(chain(v)) do
    for k, x in next, t do
      if not seen[k] then seen[k] = true; visit(k, x) end
    end
  end
end

-- v[k], without calling anything.
local function field(v, k)
  for _, t in ipairs(chain(v)) do
    if rawget(t, k) ~= nil then return rawget(t, k) end
  end
end

-- The value of the path (a.b["c"].d) whose last token is tokens[j], or nil.
local function path_value(tokens, j)
  local keys = {}
  while true do
    local t = tokens[j]
    if is_op(t, "]") then
      local s = tokens[j - 1]
      local quote, inner = match(s and s.kind == "string" and not s.open and s.text or "", "^([\"'])(.*)%1$")
      if not quote or find(inner, "\\", 1, true) or not is_op(tokens[j - 2], "[") then return nil end
      insert(keys, 1, inner)
      j = j - 3
    elseif t and t.kind == "name" and not KEYWORDS[t.text] then
      insert(keys, 1, t.text)
      j = j - 1
      if not is_op(tokens[j], ".") then break end
      j = j - 1
    else
      return nil
    end
  end
  if is_op(tokens[j], ":") then return nil end
  local value
  if declared[keys[1]] then value = locals[keys[1]] else value = field(G, keys[1]) end
  for i = 2, #keys do
    if value == nil then return nil end
    value = field(value, keys[i])
  end
  return value
end

-- s as the inside of a literal quoted with q.
local function escape(s, q)
  return (gsub(s, "[%c\\" .. q .. "]", function(c)
    if c == "\\" or c == q then return "\\" .. c end
    return format("\\%03d", byte(c))
  end))
end

local function sorted(set)
  local list = {}
  for word in next, set do list[#list + 1] = word end
  sort(list)
  return list
end

local function complete(text)
  local none = #text + 1
  local tokens = tokenize(text)
  local last = tokens[#tokens]
  if not last or last.kind == "comment" then return none, {} end
  local found = {}
  local function starts(word, prefix) return sub(word, 1, #prefix) == prefix end

  if last.open then
    local q = sub(text, last.s, last.s)
    if last.kind ~= "string" or last.e ~= #text or (q ~= '"' and q ~= "'") then return none, {} end
    local typed = sub(text, last.s + 1)
    if is_op(tokens[#tokens - 1], "[") then
      -- t["ke: the string keys of t
      local t = path_value(tokens, #tokens - 2)
      if t == nil then return none, {} end
      each_field(t, function(k)
        if type(k) == "string" and starts(escape(k, q), typed) then found[escape(k, q) .. q .. "]"] = true end
      end)
    else
      -- get("sr_: ids seen in recent results
      for _, id in ipairs(ids) do
        if starts(escape(id, q), typed) then found[escape(id, q) .. q] = true end
      end
    end
    return last.s + 1, sorted(found)
  end

  -- The word being completed: a name ending the text, or nothing after a final "." or ":".
  local start, prefix, sep
  if last.kind == "name" and last.e == #text then
    start, prefix = last.s, last.text
    sep = tokens[#tokens - 1]
    if not (is_op(sep, ".") or is_op(sep, ":")) then sep = nil end
  elseif (is_op(last, ".") or is_op(last, ":")) and last.e == #text then
    start, prefix, sep = #text + 1, "", last
  else
    return none, {}
  end

  local function identifier(k)
    return type(k) == "string" and match(k, "^[%a_][%w_]*$") ~= nil and starts(k, prefix)
  end
  if sep then
    -- a.b.c, s:up: fields of the value before the separator (methods after ":")
    local index = sep == last and #tokens - 1 or #tokens - 2
    local base = path_value(tokens, index)
    if base == nil then return none, {} end
    local methods = sep.text == ":"
    each_field(base, function(k, v)
      if identifier(k) and (not methods or type(v) == "function") then found[k] = true end
    end)
  else
    -- a plain name: prompt locals, globals and keywords
    for name in next, declared do
      if identifier(name) then found[name] = true end
    end
    each_field(G, function(k) if identifier(k) then found[k] = true end end)
    for word in next, KEYWORDS do
      if starts(word, prefix) then found[word] = true end
    end
  end
  return start, sorted(found)
end

--- Completes the word before the cursor (text is the line up to it). Returns the byte index
--  where that word starts in text and the sorted words that can replace it; never raises.
function M.complete(text)
  if type(text) ~= "string" then return 1, {} end
  local ok, start, words = pcall(complete, text)
  if ok and type(start) == "number" and type(words) == "table" then return start, words end
  return #text + 1, {}
end

return M

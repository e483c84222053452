-- Cursor pagination for yousign lists: follows meta.next_cursor until it is null.
--
--   for sr in yousign.signature_requests.each{ ["status[eq]"] = "done" } do ... end
--
-- `list` is the operation's function; the first `nparams` arguments are its path ids and the
-- next one the query. Pages are fetched as the loop needs them.
local M = {}

function M.each(list, nparams, ...)
  local args = table.pack(...)
  local query = {}
  local given = args[nparams + 1]
  if given ~= nil then
    if type(given) ~= "table" then
      error("bad argument #" .. (nparams + 1) .. " to 'each' (table expected, got " .. type(given) .. ")", 3)
    end
    for k, v in pairs(given) do query[k] = v end
  end
  local ids = table.pack(table.unpack(args, 1, nparams))
  local page, i, done = nil, 0, false

  local function fetch()
    ids[nparams + 1] = query
    page = list(table.unpack(ids, 1, nparams + 1))
    i = 0
    local cursor = page.meta and page.meta.next_cursor
    if cursor == nil then done = true else query.after = cursor end
  end

  return function()
    while true do
      if page == nil then fetch() end
      i = i + 1
      local item = page.data and page.data[i]
      if item ~= nil then return item end
      if done then return nil end
      fetch()
    end
  end
end

return M

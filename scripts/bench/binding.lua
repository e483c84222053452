-- The cost of one `yousign` call on the embedded emulator, against a Lua function that returns
-- the same table:
--   onboard run --ephemeral scripts/bench/binding.lua get 5000
--   onboard run --ephemeral scripts/bench/binding.lua lua 5000
-- Both create the same session first, so the two runs differ only in the calls.
local mode, n = ..., tonumber((select(2, ...))) or 5000
local template = yousign.workflow_templates.list().data[1]
local session = yousign.workflow_sessions.create{ workflow_template_id = template.id, name = "Onboarding of Kelly Smith" }
local get = yousign.workflow_sessions.get
if mode == "lua" then
  local same = get(session.id)
  get = function(id) return same end
end
local id = session.id
for _ = 1, n do
  local s = get(id)
  if s.id ~= id then error("wrong session") end
end

-- flow: the helpers the example flows share (printing steps, finding a template or a group,
-- sending a contract to sign).
--
--   local flow = require("flow")
--   local here = flow.here()                             -- the script's folder, for its files
--   local template = flow.template("Customer onboarding")
--   local session = yousign.workflow_sessions.create{ workflow_template_id = template.id, name = "Onboarding of Kelly Smith" }
--   flow.step(1, "POST /v3/workflow_sessions", session)  -- == 1. POST /v3/workflow_sessions, then the JSON
--   local sr, signer = flow.send_contract(session, { file = here .. "/files/contract.pdf" })
--   emulator.sign(sr.id, signer.id)
--   session = yousign.workflow_sessions.get(session.id)
--   print(flow.group(session, "signature_request").status)   -- done
--
-- Plain Lua over the `yousign` and `json` modules: nothing here that a script could not write
-- itself. Their errors (no such template or group, a bad argument, a file send_contract cannot
-- upload) point at the calling script's line; API errors stay the tables yousign raises.
local yousign = require("yousign")
local json = require("json")

local M = {}

--- Prints a numbered step: "== n. title", `value` as indented JSON, and a blank line.
--
--   flow.step(2, "POST /v3/workflow_sessions", session)
function M.step(n, title, value)
  print(("== %d. %s"):format(n, title))
  print(json.encode(value, { indent = 2 }))
  print()
end

--- The running script's folder, from arg[0] ("." when the script has no folder or no arg[0],
--  as with `onboard run -e`). Files the script uploads are named from it, so the script runs
--  from any current folder.
--
--   file = flow.here() .. "/files/kbis.pdf"
function M.here()
  local script = arg and arg[0]
  return type(script) == "string" and script:match("^(.*)/") or "."
end

--- The workflow template named `name`. Templates are made by Yousign staff, so flows find
--  theirs by name. `templates`, a GET /v3/workflow_templates answer the script already has,
--  spares a second request; without it the list is fetched. An unknown name is an error that
--  lists the names there are.
--
--   local template = flow.template("Business onboarding")
--   local template = flow.template("Customer onboarding", yousign.workflow_templates.list())
function M.template(name, templates)
  if type(name) ~= "string" then error("flow.template: the template's name must be a string", 2) end
  templates = templates or yousign.workflow_templates.list()
  local names = {}
  for _, t in ipairs(templates.data) do
    if t.name == name then return t end
    names[#names + 1] = ("'%s'"):format(t.name)
  end
  error(("no workflow template named '%s' (there are: %s)"):format(name,
    #names > 0 and table.concat(names, ", ") or "none"), 2)
end

--- The action group of type `type` (identity_verification, signature_request, ...) in a
--  workflow session as the API answered it; an error when the session has none.
--
--   assert(flow.group(session, "identity_verification").status == "done")
function M.group(session, type)
  local types = {}
  for _, g in ipairs(session.action_groups or {}) do
    if g.type == type then return g end
    types[#types + 1] = g.type
  end
  error(("no group %s in session %s (it has: %s)"):format(tostring(type), tostring(session.id),
    table.concat(types, ", ")), 2)
end

local KELLY = { first_name = "Kelly", last_name = "Smith", email = "kelly.smith@example.com", locale = "en" }

-- The options of send_contract that are not fields of the signature request.
local OWN_OPTIONS = { file = true, signer = true }

-- The calls of flow.send_contract (below), which checks its arguments and reports errors.
local function send_contract(session, options)
  local info = options.signer or KELLY
  local body = {
    name = ("%s %s's contract"):format(info.first_name, info.last_name),
    delivery_mode = "none",
    workflow_session_id = session.id,
  }
  for k, v in pairs(options) do
    if not OWN_OPTIONS[k] then body[k] = v end
  end

  local sr = yousign.signature_requests.create(body)
  local document = yousign.signature_requests.documents.create(sr.id, {
    file = options.file or M.here() .. "/files/contract.pdf",
    nature = "signable_document",
  })
  local signer = yousign.signature_requests.signers.create(sr.id, {
    info = info,
    signature_level = "electronic_signature",
    signature_authentication_mode = "no_otp",
  })
  yousign.signature_requests.documents.fields.create(sr.id, document.id, {
    signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581,
  })
  sr = yousign.signature_requests.activate(sr.id)
  if sr.status ~= "ongoing" then
    error("the activated signature request " .. sr.id .. " is " .. tostring(sr.status) .. ", not ongoing")
  end
  return sr, signer, document
end

--- Sends a contract to sign in a workflow session, as the seed guide does (examples/onboarding.lua
--  spells the calls out): a signature request in the session (delivery_mode "none": the flow hands
--  out the signature link), its signable document, one signer (electronic signature, no OTP), her
--  signature field (page 1 of the example contract), then activation. Returns the activated
--  signature request (status "ongoing"), the signer and the document.
--
--  options (all optional):
--    file    the PDF to sign: a path or { path = ..., name = ... } as documents.create takes it;
--            by default files/contract.pdf beside the running script (flow.here())
--    signer  the signer's info { first_name, last_name, email, locale }; by default Kelly Smith
--    any other key is a field of the signature request's create body: name (by default
--            "<first name> <last name>'s contract"), expiration_date, signers_allowed_to_decline,
--            previous_attempt_id, ...
--
--   local sr, signer = flow.send_contract(session, { file = here .. "/files/contract.pdf" })
--   local retry = flow.send_contract(session, { file = contract, previous_attempt_id = sr.id })
--   local sr, signer = flow.send_contract(session, {
--     file = here .. "/files/contract.pdf", name = "Account agreement",
--     signer = { first_name = "Camille", last_name = "Martin", email = "camille.martin@example.com", locale = "fr" },
--   })
function M.send_contract(session, options)
  if type(session) ~= "table" or session.id == nil then
    error("flow.send_contract: the first argument must be a workflow session", 2)
  end
  options = options or {}
  if type(options) ~= "table" then error("flow.send_contract: options must be a table", 2) end
  local ok, sr, signer, document = pcall(send_contract, session, options)
  if ok then return sr, signer, document end
  -- A message (a bad file, a failed check) is reported at the script's line, not at this
  -- file's; an API error (a table, see yousign.is_error) goes on as it is.
  if type(sr) == "string" then error((sr:gsub("^[^\n]-flow%.lua:%d+: ", "")), 2) end
  error(sr, 0)
end

return M

-- The seed guide under `onboard worker`: Kelly Smith's onboarding, where she signs when she
-- wants to (days later, maybe) and the run does not keep a process while it waits.
--
--   onboard run --client acme --detach examples/onboarding_worker.lua Kelly Smith   -- queued for the worker
--   onboard run --allow-read=examples/files examples/onboarding_worker.lua          -- also runs alone: it polls
--
-- 1-5 as examples/onboarding.lua (templates, session, identity document, contract), then
-- 6. yousign.wait_for_event: under the worker the run is parked until Yousign's webhook
--    signature_request.done arrives (or, failing that, a poll sees the request done); alone, it
--    polls (on the embedded emulator, the emulator signs for Kelly first).
local first_name, last_name = ...
local email
if type(first_name) == "table" then  -- a row of `onboard batch`
  local row = first_name
  first_name, last_name, email = row.first_name, row.last_name, row.email
end
first_name, last_name = first_name or "Kelly", last_name or "Smith"
email = email or "kelly.smith@example.com"
local flow = require("flow")
local here = flow.here()

local template = flow.template("Customer onboarding", yousign.workflow_templates.list())
local session = yousign.workflow_sessions.create{
  workflow_template_id = template.id,
  name = ("Onboarding of %s %s"):format(first_name, last_name),
}
local verification = yousign.verifications.identity_documents.create{
  file = here .. "/files/verified_id_document_verification.pdf",
  first_name = first_name, last_name = last_name, workflow_session_id = session.id,
}
if verification.status == "pending" then
  yousign.wait(function() return yousign.verifications.identity_documents.get(verification.id) end,
               function(v) return v.status ~= "pending" end, { timeout = "10m", interval = "5s" })
end
local sr, signer = flow.send_contract(session, {
  file = here .. "/files/contract.pdf",
  signer = { first_name = first_name, last_name = last_name, email = email, locale = "en" },
})
print(("%s: contract %s sent; waiting for %s to sign"):format(session.id, sr.id, first_name))

-- Alone on the embedded emulator nobody else signs: the emulator stands in for her.
if emulator and yousign.backend:match("^embedded emulator") then
  emulator.sign(sr.id, signer.id)
end

local event = yousign.wait_for_event{ event = "signature_request.done", id = sr.id, timeout = "14d" }
print(("%s signed (%s)"):format(first_name, event.polled and "seen by polling" or "webhook " .. tostring(event.event_id)))

session = yousign.workflow_sessions.get(session.id)
print(("%s %s's onboarding is %s."):format(first_name, last_name, session.status))

-- The seed guide, end to end: Kelly Smith's onboarding.
--
--   onboard run --allow-read=examples/files examples/onboarding.lua            -- on the embedded emulator
--   onboard run --allow-read=examples/files --emulator http://127.0.0.1:8080 examples/onboarding.lua
--
-- 1. list the workflow templates     2. create a workflow session
-- 3. verify the identity document    4. check the session (identity done, signature awaiting)
-- 5. send the contract: a signature request with a document, a signer and a signature field
-- 6. Kelly signs (the emulator stands in for her), and the session is done.
local first_name, last_name = ...
local email
if type(first_name) == "table" then  -- a row of `onboard batch` (docs/automations.md)
  local row = first_name
  first_name, last_name, email = row.first_name, row.last_name, row.email
end
first_name, last_name = first_name or "Kelly", last_name or "Smith"
email = email or "kelly.smith@example.com"
local flow = require("flow")  -- stdlib/flow.lua: the helpers the examples share
local here = flow.here()      -- this script's folder, where files/ is

-- 1. The templates are made by Yousign staff; ours come from the emulator's fixtures.
local templates = yousign.workflow_templates.list()
flow.step(1, "GET /v3/workflow_templates", templates)
local template = flow.template("Customer onboarding", templates)

-- 2. A session for the new customer: every group of the template starts out awaiting.
local session = yousign.workflow_sessions.create{
  workflow_template_id = template.id,
  name = ("Onboarding of %s %s"):format(first_name, last_name),
}
flow.step(2, "POST /v3/workflow_sessions", session)

-- 3. The identity document. In Yousign's sandbox the file name picks the result:
--    verified_id_document_verification.pdf is verified.
local verification = yousign.verifications.identity_documents.create{
  file = here .. "/files/verified_id_document_verification.pdf",
  first_name = first_name,
  last_name = last_name,
  workflow_session_id = session.id,
}
flow.step(3, "POST /v3/verifications/identity_documents", verification)
if verification.status == "pending" then
  verification = yousign.wait(function() return yousign.verifications.identity_documents.get(verification.id) end,
                              function(v) return v.status ~= "pending" end, { timeout = "10m", interval = "5s" })
end

-- 4. The identity group is done, the signature group still awaiting: the session is ongoing.
session = yousign.workflow_sessions.get(session.id)
flow.step(4, "GET /v3/workflow_sessions/" .. session.id, session)

-- 5. The contract: a signature request in the session, its document, the signer and where she signs.
--    (The other examples make these five calls with flow.send_contract.)
local sr = yousign.signature_requests.create{
  name = ("%s %s's contract"):format(first_name, last_name),
  delivery_mode = "none",
  workflow_session_id = session.id,
}
local document = yousign.signature_requests.documents.create(sr.id, {
  file = here .. "/files/contract.pdf",
  nature = "signable_document",
})
local signer = yousign.signature_requests.signers.create(sr.id, {
  info = { first_name = first_name, last_name = last_name, email = email, locale = "en" },
  signature_level = "electronic_signature",
  signature_authentication_mode = "no_otp",
})
yousign.signature_requests.documents.fields.create(sr.id, document.id, {
  signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581,
})
sr = yousign.signature_requests.activate(sr.id)
flow.step(5, "POST /v3/signature_requests/" .. sr.id .. "/activate", sr)

-- 6. Kelly signs. On Yousign she would follow her signature link; the emulator signs for her.
if emulator then
  emulator.sign(sr.id, signer.id)
else
  print("Waiting for " .. first_name .. " to sign at " .. tostring(sr.signers[1].signature_link))
end
sr = yousign.wait(function() return yousign.signature_requests.get(sr.id) end,
                  function(r) return r.status == "done" end, { timeout = "7d", interval = "30s" })
session = yousign.workflow_sessions.get(session.id)
flow.step(6, "GET /v3/workflow_sessions/" .. session.id, session)

print(("%s %s's onboarding is %s."):format(first_name, last_name, session.status))

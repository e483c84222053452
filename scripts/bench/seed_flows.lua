-- The seed guide's flow N times (default 20), quietly: templates, session, identity document,
-- signature request with a document, signer and field, activate, sign, final session.
--   onboard run --ephemeral --allow-read=examples/files scripts/bench/seed_flows.lua 50   (from the repository root)
local n = tonumber((...)) or 20
local files = "examples/files/"
local template
for _, t in ipairs(yousign.workflow_templates.list().data) do
  if t.name == "Customer onboarding" then template = t end
end
for i = 1, n do
  yousign.workflow_templates.list()
  local s = yousign.workflow_sessions.create{ workflow_template_id = template.id, name = "Onboarding of Kelly Smith" }
  yousign.verifications.identity_documents.create{ file = files .. "verified_id_document_verification.pdf",
    first_name = "Kelly", last_name = "Smith", workflow_session_id = s.id }
  yousign.workflow_sessions.get(s.id)
  local sr = yousign.signature_requests.create{ name = "Contract", delivery_mode = "none", workflow_session_id = s.id }
  local doc = yousign.signature_requests.documents.create(sr.id, { file = files .. "contract.pdf", nature = "signable_document" })
  local signer = yousign.signature_requests.signers.create(sr.id, {
    info = { first_name = "Kelly", last_name = "Smith", email = "kelly@example.com", locale = "en" },
    signature_level = "electronic_signature", signature_authentication_mode = "no_otp" })
  yousign.signature_requests.documents.fields.create(sr.id, doc.id, { signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581 })
  yousign.signature_requests.activate(sr.id)
  emulator.sign(sr.id, signer.id)
  assert(yousign.workflow_sessions.get(s.id).status == "done")
end

-- A signer declines: Kelly Smith refuses her contract, which blocks her onboarding.
--
--   onboard run --allow-read=examples/files examples/declined_signature.lua     -- on the embedded emulator
--
-- 1. a "Customer onboarding" session whose identity document is verified
-- 2. the contract is sent with signers_allowed_to_decline = true
-- 3. Kelly declines ("The salary is wrong"): the signature request is declined
-- 4. the signature group, and the session, are blocked
-- 5. a declined request is final: canceling it is refused (an API error caught with pcall)
-- 6. the way out: a corrected contract sent as a retry (previous_attempt_id), which Kelly signs.
local flow = require("flow")  -- stdlib/flow.lua: step, template, group, send_contract
local here = flow.here()      -- this script's folder, where files/ is
local contract = here .. "/files/contract.pdf"
assert(emulator, "this flow needs the emulator: it declines and signs for the signer")

-- 1. The session, with a verified identity document.
local template = flow.template("Customer onboarding")
local session = yousign.workflow_sessions.create{ workflow_template_id = template.id, name = "Onboarding of Kelly Smith" }
local identity = yousign.verifications.identity_documents.create{
  file = here .. "/files/verified_id_document_verification.pdf",
  first_name = "Kelly", last_name = "Smith", workflow_session_id = session.id,
}
assert(identity.status == "verified", "the identity document is " .. identity.status)
session = yousign.workflow_sessions.get(session.id)
assert(session.status == "ongoing", "the session should be ongoing, not " .. session.status)
print(("== 1. Session %s: identity %s, session %s."):format(session.id, identity.status, session.status))
print()

-- 2. The contract, sent to Kelly by flow.send_contract (the signature request, its document, the
--    signer and her field, then activation). Signers may decline only when the request allows it
--    (the default is false).
local sr, signer = flow.send_contract(session, { file = contract, signers_allowed_to_decline = true })
flow.step(2, "POST /v3/signature_requests/" .. sr.id .. "/activate", sr)
assert(sr.signers_allowed_to_decline == true, "the request should allow declining")

-- 3. Kelly declines from her signature page; the emulator declines for her.
emulator.decline(sr.id, signer.id, "The salary is wrong")
sr = yousign.signature_requests.get(sr.id)
flow.step(3, "GET /v3/signature_requests/" .. sr.id, sr)
assert(sr.status == "declined", "the signature request should be declined, not " .. sr.status)
assert(sr.signers[1].status == "declined", "the signer should be declined, not " .. sr.signers[1].status)
assert(sr.decline_information and sr.decline_information.reason == "The salary is wrong",
       "decline_information should carry the reason")
assert(sr.decline_information.signer_id == signer.id, "decline_information names the signer")
print(("Declined at %s: %q."):format(sr.decline_information.declined_at, sr.decline_information.reason))
print()

-- 4. A declined request blocks its group, and a blocked group blocks the session.
session = yousign.workflow_sessions.get(session.id)
flow.step(4, "GET /v3/workflow_sessions/" .. session.id, session)
assert(flow.group(session, "identity_verification").status == "done", "the identity group stays done")
assert(flow.group(session, "signature_request").status == "blocked", "the signature group should be blocked")
assert(session.status == "blocked", "the session should be blocked, not " .. session.status)

-- 5. Only a request in approval or ongoing can be canceled. API errors are raised as tables:
--    pcall returns it, tostring gives a one-line summary, and its fields are at hand.
local ok, err = pcall(yousign.signature_requests.cancel, sr.id, { reason = "other", custom_note = "Declined by Kelly" })
assert(not ok, "canceling a declined signature request should fail")
assert(yousign.is_error(err), "not an API error: " .. tostring(err))
print("== 5. POST /v3/signature_requests/" .. sr.id .. "/cancel")
print(tostring(err))
print(("status %d, type %s"):format(err.status, err.type))
print()
assert(err.status == 400 and err.type == "signature_request.status_not_compatible", "unexpected error: " .. tostring(err))

-- 6. To unblock the session, send a corrected contract as a new attempt of the declined one.
local retry, retry_signer = flow.send_contract(session, {
  file = contract, name = "Kelly Smith's contract (salary corrected)", previous_attempt_id = sr.id,
})
emulator.sign(retry.id, retry_signer.id)
retry = yousign.signature_requests.get(retry.id)
assert(retry.status == "done", "the corrected contract should be done, not " .. retry.status)
session = yousign.workflow_sessions.get(session.id)
local signature = flow.group(session, "signature_request")
flow.step(6, "GET /v3/workflow_sessions/" .. session.id .. " (signature group)", signature)
assert(#signature.actions == 1 and signature.actions[1].resource.id == retry.id, "the retry is the action's resource")
assert(signature.actions[1].previous_attempts[1].resource.status == "declined", "the declined request is a previous attempt")
assert(signature.status == "done", "the signature group should be done, not " .. signature.status)
assert(session.status == "done", "the session should be done, not " .. session.status)

print(("Kelly declined the first contract (%s) and signed the corrected one: the onboarding is %s."):format(
  sr.decline_information.reason, session.status))

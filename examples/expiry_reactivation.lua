-- An expired contract, reactivated: Kelly Smith does not sign in time, then signs after all.
--
--   onboard run --ephemeral --allow-read=examples/files examples/expiry_reactivation.lua
--
-- It moves the emulator's clock five days on, so it runs on a fresh in-memory state
-- (--ephemeral): on a saved state every later run would live five days in the future (onboard
-- says so, and --reset-clock sets the clock back).
--
-- 1. a "Customer onboarding" session whose identity document is verified
-- 2. the contract is sent with an expiration_date three days ahead
-- 3. five days pass (emulator.advance): the request is expired, the session blocked
-- 4. reactivate it with a new expiration_date: it is ongoing again, and so is the session
-- 5. Kelly signs: the session is done.
local flow = require("flow")  -- stdlib/flow.lua: step, template, group, send_contract
local here = flow.here()      -- this script's folder, where files/ is
assert(emulator, "this flow needs the emulator: it moves the clock and signs for the signer")

local DAY = 24 * 60 * 60

-- A plain date (yyyy-mm-dd) `days` days from now. os.time() follows the emulator's clock
-- (as does emulator.now()), so the date moves with emulator.advance.
local function date_in(days)
  return os.date("!%Y-%m-%d", os.time() + days * DAY)
end

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
print(("== 1. Session %s: identity %s, session %s (it is %s)."):format(session.id, identity.status,
  session.status, os.date("!%Y-%m-%d %H:%M UTC")))
print()

-- 2. The contract, valid for three days, sent to Kelly by flow.send_contract (the signature
--    request, its document, the signer and her field, then activation). expiration_date is a
--    plain date on input; the request shows it as the last second of that day in its timezone
--    (Europe/Paris by default).
local first_expiry = date_in(3)
local sr, signer = flow.send_contract(session, { file = here .. "/files/contract.pdf", expiration_date = first_expiry })
flow.step(2, "POST /v3/signature_requests/" .. sr.id .. "/activate", sr)
assert(sr.status == "ongoing", "the activated signature request is " .. sr.status)
assert(sr.expiration_date:sub(1, 10) == first_expiry, "the request expires on the given day")
print(("Asked for %s: expires at %s."):format(first_expiry, sr.expiration_date))
print()

-- 3. Kelly lets it lapse. Five days later the expiry (at the end of day three) is past.
local clock = emulator.advance(5 * DAY)
print(("== 3. emulator.advance(5 days): it is now %s"):format(clock.now))
sr = yousign.signature_requests.get(sr.id)
session = yousign.workflow_sessions.get(session.id)
print(("Signature request: %s; signature group: %s; session: %s."):format(sr.status,
  flow.group(session, "signature_request").status, session.status))
print()
assert(sr.status == "expired", "the signature request should be expired, not " .. sr.status)
assert(flow.group(session, "signature_request").status == "blocked", "an expired request blocks its group")
assert(session.status == "blocked", "the session should be blocked, not " .. session.status)
local ok, err = pcall(emulator.sign, sr.id, signer.id)
assert(not ok, "signing an expired request should fail")
print("Signing now fails: " .. tostring(err))
print()

-- 4. Reactivation takes a new expiration date (not in the past, at most a year ahead). The
--    request resumes where it stopped: Kelly has not signed yet, so it is ongoing.
local new_expiry = date_in(7)
sr = yousign.signature_requests.reactivate(sr.id, { expiration_date = new_expiry })
flow.step(4, "POST /v3/signature_requests/" .. sr.id .. "/reactivate", sr)
assert(sr.status == "ongoing", "the reactivated request should be ongoing, not " .. sr.status)
assert(sr.expiration_date:sub(1, 10) == new_expiry, "the request has its new expiration date")
session = yousign.workflow_sessions.get(session.id)
assert(flow.group(session, "signature_request").status == "ongoing", "the signature group should be ongoing again")
assert(session.status == "ongoing", "the session should be ongoing again, not " .. session.status)
print(("Expires at %s; signature group %s; session %s."):format(sr.expiration_date,
  flow.group(session, "signature_request").status, session.status))
print()

-- 5. This time Kelly signs.
emulator.sign(sr.id, signer.id)
sr = yousign.signature_requests.get(sr.id)
assert(sr.status == "done", "the signed request should be done, not " .. sr.status)
session = yousign.workflow_sessions.get(session.id)
flow.step(5, "GET /v3/workflow_sessions/" .. session.id, session)
assert(flow.group(session, "signature_request").status == "done", "the signature group should be done")
assert(session.status == "done", "the session should be done, not " .. session.status)

print(("Kelly signed at %s, before the new expiry (%s)."):format(sr.completed_at, sr.expiration_date))
print(("Kelly's contract expired, was reactivated and signed: the onboarding is %s."):format(session.status))

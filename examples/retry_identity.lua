-- Unblocking a session by retrying: Kelly Smith's first identity document fails.
--
--   onboard run --allow-read=examples/files examples/retry_identity.lua     -- on the embedded emulator
--
-- 1. create a session on the "Customer onboarding" template
-- 2. the first identity document fails: the identity group, and so the session, is blocked
-- 3. retry: a new verification with previous_attempt_id = the failed one; it is verified
-- 4. the action now holds the new attempt, the failed one is in previous_attempts, the group is done
-- 5. only the latest, blocked attempt can be retried: retrying the verified one is a 400.
local flow = require("flow")  -- stdlib/flow.lua: step, template, group
local here = flow.here()      -- this script's folder, where files/ is
assert(emulator, "this flow needs the emulator: its magic file names pick the results")

-- 1. The session.
local template = flow.template("Customer onboarding")
local session = yousign.workflow_sessions.create{
  workflow_template_id = template.id,
  name = "Onboarding of Kelly Smith",
}
flow.step(1, "POST /v3/workflow_sessions", session)
assert(session.status == "awaiting", "a new session is awaiting, not " .. session.status)

-- 2. The first attempt. The sandbox picks the result from the file's name, so we upload our
--    sample ID card under the name that fails: failed_id_document_verification.pdf.
local first = yousign.verifications.identity_documents.create{
  file = { path = here .. "/files/id_card.pdf", name = "failed_id_document_verification.pdf" },
  first_name = "Kelly",
  last_name = "Smith",
  workflow_session_id = session.id,
}
flow.step(2, "POST /v3/verifications/identity_documents (first attempt)", first)
assert(first.status == "failed", "the first attempt should fail, not be " .. first.status)
print(("First attempt %s: %s (%s)."):format(first.id, first.status, table.concat(first.status_codes, ", ")))

session = yousign.workflow_sessions.get(session.id)
local identity = flow.group(session, "identity_verification")
print(("Identity group: %s; session: %s."):format(identity.status, session.status))
print()
assert(identity.status == "blocked", "a failed verification blocks its group, not " .. identity.status)
assert(session.status == "blocked", "a blocked group blocks the session, not " .. session.status)

-- 3. The retry: the same kind of resource, in the same session, naming the blocked attempt.
local retry = yousign.verifications.identity_documents.create{
  file = here .. "/files/verified_id_document_verification.pdf",
  first_name = "Kelly",
  last_name = "Smith",
  workflow_session_id = session.id,
  previous_attempt_id = first.id,
}
flow.step(3, "POST /v3/verifications/identity_documents (retry)", retry)
assert(retry.status == "verified", "the retry should be verified, not " .. retry.status)
assert(retry.previous_attempt_id == first.id, "the retry names the first attempt")

-- 4. Still one action in the group: its resource is the retry, the failed attempt moved to
--    previous_attempts and no longer counts. The group is done, the session ongoing again
--    (the signature group is still awaiting).
session = yousign.workflow_sessions.get(session.id)
identity = flow.group(session, "identity_verification")
flow.step(4, "GET /v3/workflow_sessions/" .. session.id .. " (identity group)", identity)
assert(#identity.actions == 1, "a retry replaces the action's resource, it adds no action")
local action = identity.actions[1]
assert(action.resource.id == retry.id, "the action's resource is the latest attempt")
assert(#action.previous_attempts == 1 and action.previous_attempts[1].resource.id == first.id,
       "the failed attempt is in previous_attempts")
assert(action.previous_attempts[1].resource.status == "failed", "the old attempt keeps its status")
assert(identity.status == "done", "the identity group should be done, not " .. identity.status)
assert(session.status == "ongoing", "the session should be ongoing, not " .. session.status)
print(("Identity group: %s after %d attempts; session: %s."):format(identity.status,
  #action.previous_attempts + 1, session.status))
print()

-- 5. A verified attempt is final: trying to retry it is refused with a validation error.
local ok, err = pcall(yousign.verifications.identity_documents.create, {
  file = here .. "/files/verified_id_document_verification.pdf",
  first_name = "Kelly",
  last_name = "Smith",
  workflow_session_id = session.id,
  previous_attempt_id = retry.id,
})
assert(not ok and yousign.is_error(err), "retrying a verified attempt should fail")
assert(err.status == 400 and err.type == "validation.error", "unexpected error: " .. tostring(err))
assert(err.invalid_params[1].name == "previous_attempt_id", "the error names previous_attempt_id")
print("== 5. Retrying the verified attempt")
print(tostring(err))
print()

print(("Kelly Smith's identity is %s after a retry; the onboarding session is %s."):format(
  retry.status, session.status))
